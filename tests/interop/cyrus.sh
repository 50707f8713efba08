#!/bin/bash
# cyrus.sh: popscope against Cyrus IMAP 3.6.1 pop3d with users in a sasldb
# (tests/fixture/servers/cyrus.sh): STLS, POP3S, USER, APOP and SASL PLAIN
# LOGIN CRAM-MD5 DIGEST-MD5 SCRAM-SHA-1/-256 with their -PLUS variants.
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/lib/interop.sh"

interop_start cyrus
plus="issue 7: over TLS 1.3 popscope's default, a -PLUS mechanism bound with tls-exporter, fails on Cyrus 3.6 (tls-unique only; 'bad protocol / cancel'), and popscope blames the password"
todo check:pop3s "$plus"
todo check:stls "$plus"
todo auth:SCRAM-SHA-1-PLUS "$plus"
todo auth:SCRAM-SHA-256-PLUS "$plus"
todo auth:DIGEST-MD5 "issue 7: Cyrus offers DIGEST-MD5, which GNU SASL has and popscope does not use yet"
# The default login is the gap above: the other checks name a mechanism
# that works, so that they test what they are about.
interop_auth SCRAM-SHA-256
interop_checks
done_testing
