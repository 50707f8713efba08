#!/usr/bin/env python3
"""pop3probe.py: a reference POP3 client (Python's poplib) for the tests.

usage: pop3probe.py ENVFILE COMMAND [ARGS]
  stat              "COUNT SIZE"
  list              "N SIZE" per message
  uidl              "N UIDL" per message
  retr N OUTFILE    message N as sent after dot-unstuffing, CRLF line ends
  dele N            delete message N (another client changing the mailbox)
  mechs             the SASL mechanisms in CAPA, one line

ENVFILE is the env written by tests/fixture/dovecot.sh. Connects with
POP3S to 127.0.0.1, verifying the certificate against CA_FILE, logs in as
USER with USER/PASS (or as USER2 when POP3PROBE_USER=2).
"""

import os
import poplib
import ssl
import sys

poplib._MAXLINE = 1 << 20  # Dovecot sends lines longer than poplib's 2048


def load_env(path):
	env = {}
	with open(path) as f:
		for line in f:
			key, _, value = line.rstrip('\n').partition('=')
			env[key] = value.strip("'")
	return env


def main(argv):
	if len(argv) < 3:
		sys.stderr.write(__doc__)
		return 64
	env = load_env(argv[1])
	ctx = ssl.create_default_context(cafile=env['CA_FILE'])
	pop = poplib.POP3_SSL(env['HOST'], int(env['POP3S_PORT']), context=ctx, timeout=30)
	command = argv[2]
	if command == 'mechs':
		print(' '.join(pop.capa().get('SASL', [])))
		pop.quit()
		return 0
	suffix = '2' if os.environ.get('POP3PROBE_USER') == '2' else ''
	pop.user(env['USER' + suffix])
	pop.pass_(env['PASSWORD' + suffix])
	if command == 'stat':
		print('%d %d' % pop.stat())
	elif command == 'list':
		for line in pop.list()[1]:
			print(line.decode())
	elif command == 'uidl':
		for line in pop.uidl()[1]:
			print(line.decode())
	elif command == 'retr':
		lines = pop.retr(int(argv[3]))[1]
		with open(argv[4], 'wb') as out:
			out.write(b''.join(line + b'\r\n' for line in lines))
	elif command == 'dele':
		pop.dele(int(argv[3]))
	else:
		sys.stderr.write('unknown command %s\n' % command)
		return 64
	pop.quit()
	return 0


if __name__ == '__main__':
	sys.exit(main(sys.argv))
