#!/usr/bin/env python3
"""throttle_proxy.py: a TCP relay on loopback that slows the server's bytes.

usage: throttle_proxy.py TARGET_PORT BYTES_PER_SECOND PORTFILE

Listens on 127.0.0.1 (an ephemeral port, written to PORTFILE), relays each
client to 127.0.0.1:TARGET_PORT; bytes from the client pass at once, bytes
from the server at most BYTES_PER_SECOND. TLS passes through untouched.
It exits after 60 seconds or when its parent is gone, whichever is first.
"""

import os
import socket
import sys
import threading
import time

LIFETIME = 60


def pump(src, dst, rate):
	chunk = max(1, rate // 20) if rate else 65536
	try:
		while True:
			data = src.recv(chunk)
			if not data:
				break
			dst.sendall(data)
			if rate:
				time.sleep(len(data) / rate)
	except OSError:
		pass
	for s in (src, dst):
		try:
			s.shutdown(socket.SHUT_RDWR)
		except OSError:
			pass


def serve(client, target_port, rate):
	server = socket.create_connection(('127.0.0.1', target_port))
	threading.Thread(target=pump, args=(client, server, 0), daemon=True).start()
	threading.Thread(target=pump, args=(server, client, rate), daemon=True).start()


def main(argv):
	target_port, rate, portfile = int(argv[1]), int(argv[2]), argv[3]
	listener = socket.socket()
	listener.bind(('127.0.0.1', 0))
	listener.listen(8)
	listener.settimeout(0.5)
	tmp = portfile + '.tmp'
	with open(tmp, 'w') as f:
		f.write('%d\n' % listener.getsockname()[1])
	os.rename(tmp, portfile)
	parent, deadline = os.getppid(), time.time() + LIFETIME
	while time.time() < deadline and os.getppid() == parent:
		try:
			client, _ = listener.accept()
		except socket.timeout:
			continue
		serve(client, target_port, rate)
	return 0


if __name__ == '__main__':
	sys.exit(main(sys.argv))
