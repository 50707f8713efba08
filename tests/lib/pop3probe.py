#!/usr/bin/env python3
"""pop3probe.py: a reference POP3 client (Python's poplib) for the tests.

usage: pop3probe.py ENVFILE COMMAND [ARGS]
  stat              "COUNT SIZE"
  list              "N SIZE" per message
  uidl              "N UIDL" per message
  retr N OUTFILE    message N as sent after dot-unstuffing, CRLF line ends
  rawretr N OUTFILE message N byte for byte as sent, after dot-unstuffing
                    (line ends as they came)
  top N LINES OUTFILE  the same for TOP N LINES
  msgids            "N MESSAGE-ID" per message (from TOP N 0), "-" if none
  dele N            delete message N (another client changing the mailbox)
  mechs             the SASL mechanisms in CAPA, one line
  capa              the CAPA lines (before login), one per line
  greeting          the server's greeting line
  snapshot DIR [ID...]  one look at everything, into files in DIR: greeting,
                    capa and mechs (before login); msgids (TOP N 0 each);
                    retr-ID.eml: rawretr of the message <ID@popscope.test>,
                    in sessions without TOP; stat, list and uidl last

ENVFILE is the env written by tests/fixture/dovecot.sh or a fixture in
tests/fixture/servers/. Connects to 127.0.0.1 with POP3S when the env has
a POP3S_PORT, else with STLS when it says STLS=yes, else in clear text
(POP3PROBE_MODE=pop3s|stls|plain chooses), verifying the certificate
against CA_FILE; sends UTF8 (RFC 6856) when CAPA lists it, then logs in
as USER with USER/PASS (or as USER2 when POP3PROBE_USER=2).
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


def connect(env):
	ctx = ssl.create_default_context(cafile=env['CA_FILE'])
	mode = os.environ.get('POP3PROBE_MODE')
	if not mode:
		if env.get('POP3S_PORT'):
			mode = 'pop3s'
		elif env.get('STLS') == 'yes':
			mode = 'stls'
		else:
			mode = 'plain'
	if mode == 'pop3s':
		return poplib.POP3_SSL(env['HOST'], int(env['POP3S_PORT']), context=ctx, timeout=30)
	pop = poplib.POP3(env['HOST'], int(env['POP3_PORT']), timeout=30)
	if mode == 'stls':
		pop.stls(ctx)
	return pop


def capa(pop):
	"""CAPA as a dict; empty for a server without CAPA (popa3d: -ERR)."""
	try:
		return pop.capa()
	except poplib.error_proto:
		return {}


def raw_multiline(pop, command, out):
	"""Send COMMAND, write the multi-line body byte for byte (unstuffed)."""
	pop._putcmd(command)
	resp = pop._getresp()
	with open(out, 'wb') as f:
		while True:
			line = pop.file.readline(poplib._MAXLINE + 1)
			if not line:
				raise poplib.error_proto('-ERR connection closed in the body')
			if line in (b'.\r\n', b'.\n'):
				break
			if line.startswith(b'.'):
				line = line[1:]
			f.write(line)
	return resp


def login(env):
	pop = connect(env)
	if 'UTF8' in capa(pop):
		# A UTF-8 capable client (RFC 6856): a server that offers UTF8
		# substitutes messages with raw UTF-8 headers for clients without it.
		try:
			pop._shortcmd('UTF8')
		except poplib.error_proto:
			pass
	suffix = '2' if os.environ.get('POP3PROBE_USER') == '2' else ''
	pop.user(env['USER' + suffix])
	pop.pass_(env['PASSWORD' + suffix])
	return pop


def msgids(pop):
	rows = []
	for line in pop.list()[1]:
		number = int(line.split()[0])
		msgid = '-'
		for header in pop.top(number, 0)[1]:
			if header.lower().startswith(b'message-id:'):
				msgid = header.split(b':', 1)[1].strip().decode('utf-8', 'replace')
				break
		rows.append((number, msgid))
	return rows


def snapshot(env, top, ids):
	"""Some servers rewrite a message the first time it is listed or read
	(GNU Mailutils adds X-UIDL and Status headers to mbox messages, at
	UIDL and at QUIT): RETR twice, in two sessions, and take LIST and UIDL
	after that, so that what is written describes a mailbox that no longer
	changes under a reader. retr-ID.first.eml is the first RETR when the
	second differs."""
	def put(name, text):
		with open(os.path.join(top, name), 'w', encoding='utf-8') as f:
			f.write(text)

	os.makedirs(top, exist_ok=True)
	pop = connect(env)
	put('greeting', pop.getwelcome().decode('utf-8', 'replace') + '\n')
	caps = capa(pop)
	put('capa', ''.join(' '.join([k] + v) + '\n' for k, v in caps.items()))
	put('mechs', ' '.join(caps.get('SASL', [])) + '\n')
	pop.quit()
	pop = login(env)
	pop.uidl()
	rows = msgids(pop)
	put('msgids', ''.join('%d %s\n' % row for row in rows))
	pop.quit()
	wanted = [(number, msgid[1:-len('@popscope.test>')]) for number, msgid in rows
		  if msgid.endswith('@popscope.test>') and msgid[1:-len('@popscope.test>')] in ids]
	for suffix in ('.first', ''):
		pop = login(env)
		for number, name in wanted:
			raw_multiline(pop, 'RETR %d' % number,
				      os.path.join(top, 'retr-%s%s.eml' % (name, suffix)))
		pop.quit()
	for number, name in wanted:
		first = os.path.join(top, 'retr-%s.first.eml' % name)
		with open(first, 'rb') as a, open(os.path.join(top, 'retr-%s.eml' % name), 'rb') as b:
			if a.read() == b.read():
				os.unlink(first)
	pop = login(env)
	put('stat', '%d %d\n' % pop.stat())
	put('list', ''.join(line.decode() + '\n' for line in pop.list()[1]))
	put('uidl', ''.join(line.decode() + '\n' for line in pop.uidl()[1]))
	pop.quit()


def main(argv):
	if len(argv) < 3:
		sys.stderr.write(__doc__)
		return 64
	env = load_env(argv[1])
	command = argv[2]
	if command == 'snapshot':
		snapshot(env, argv[3], argv[4:])
		return 0
	if command in ('mechs', 'capa', 'greeting'):
		pop = connect(env)
		if command == 'mechs':
			print(' '.join(capa(pop).get('SASL', [])))
		elif command == 'capa':
			for name, args in capa(pop).items():
				print(' '.join([name] + args))
		else:
			print(pop.getwelcome().decode('utf-8', 'replace'))
		pop.quit()
		return 0
	pop = login(env)
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
	elif command == 'rawretr':
		raw_multiline(pop, 'RETR %d' % int(argv[3]), argv[4])
	elif command == 'top':
		raw_multiline(pop, 'TOP %d %d' % (int(argv[3]), int(argv[4])), argv[5])
	elif command == 'msgids':
		for row in msgids(pop):
			print('%d %s' % row)
	elif command == 'dele':
		pop.dele(int(argv[3]))
	else:
		sys.stderr.write('unknown command %s\n' % command)
		return 64
	pop.quit()
	return 0


if __name__ == '__main__':
	sys.exit(main(sys.argv))
