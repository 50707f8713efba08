#!/usr/bin/env python3
"""poplib_scan.py: the Python standard library doing what popscope does, for comparison.

usage: poplib_scan.py scan HOST PORT CA_FILE USER PASSWORD_FILE
       poplib_scan.py retr HOST PORT CA_FILE USER PASSWORD_FILE N OUTFILE

scan: implicit TLS, USER/PASS, then LIST, UIDL and TOP n 0 for every message,
one command at a time (poplib cannot pipeline); parses each header block
(Date, From, Subject decoded) and prints one tab-separated line per message,
like the first six fields of popscope --list.
retr: RETR N into OUTFILE with CRLF line endings (poplib.retr holds the whole
message in memory, as a list of lines, before it returns).
Prints nothing else; exit status 0 on success.
"""

import datetime
import email.parser
import email.policy
import poplib
import ssl
import sys

# poplib refuses lines over 2048 octets; real mail (and the fixture) has longer ones.
poplib._MAXLINE = 1 << 20


def connect(host, port, ca_file, user, password_file):
	with open(password_file, encoding='utf-8') as f:
		password = f.readline().rstrip('\n')
	context = ssl.create_default_context(cafile=ca_file)
	pop = poplib.POP3_SSL(host, int(port), context=context, timeout=60)
	pop.user(user)
	pop.pass_(password)
	return pop


def visible(text):
	return ''.join(chr(0x2400 + ord(c)) if ord(c) < 0x20 else c for c in str(text))


def scan(pop):
	parser = email.parser.BytesHeaderParser(policy=email.policy.default)
	sizes = {}
	for line in pop.list()[1]:
		number, size = line.split()[:2]
		sizes[int(number)] = int(size)
	uidls = {}
	for line in pop.uidl()[1]:
		number, uidl = line.split()[:2]
		uidls[int(number)] = uidl.decode('ascii', 'replace')
	out = []
	for number in sorted(sizes):
		lines = pop.top(number, 0)[1]
		try:
			msg = parser.parsebytes(b'\r\n'.join(lines) + b'\r\n')
			date = msg['Date']
			when = ''
			if date is not None and date.datetime is not None:
				stamp = date.datetime
				if stamp.tzinfo is not None:
					stamp = stamp.astimezone(datetime.timezone.utc)
				when = stamp.strftime('%Y-%m-%dT%H:%M:%SZ')
			sender = msg['From']
			name = ''
			if sender is not None and sender.addresses:
				addr = sender.addresses[0]
				name = addr.display_name or addr.addr_spec
			subject = msg['Subject'] or ''
		except Exception:  # a hostile header must not stop the benchmark
			when, name, subject = '', '', ''
		out.append('%d\t%d\t%s\t%s\t%s\t%s\n' % (number, sizes[number], uidls.get(number, ''),
						    when, visible(name), visible(subject)))
	sys.stdout.write(''.join(out))


def retr(pop, number, outfile):
	lines = pop.retr(int(number))[1]
	with open(outfile, 'wb') as f:
		for line in lines:
			f.write(line)
			f.write(b'\r\n')


def main(argv):
	if len(argv) == 7 and argv[1] == 'scan':
		pop = connect(*argv[2:7])
		scan(pop)
	elif len(argv) == 9 and argv[1] == 'retr':
		pop = connect(*argv[2:7])
		retr(pop, argv[7], argv[8])
	else:
		sys.stderr.write(__doc__)
		return 64
	pop.quit()
	return 0


if __name__ == '__main__':
	sys.exit(main(sys.argv))
