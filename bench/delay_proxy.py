#!/usr/bin/env python3
"""delay_proxy.py: a TCP relay on loopback that delays every byte, both ways.

usage: delay_proxy.py TARGET_HOST TARGET_PORT ONE_WAY_MS [MAX_SECONDS]

Listens on 127.0.0.1 (an ephemeral port, printed on stdout as the first
line), connects each client to TARGET_HOST:TARGET_PORT and forwards bytes in
both directions, each chunk ONE_WAY_MS after it was read: a round trip
through the relay costs 2 * ONE_WAY_MS. TLS passes through untouched.

This is the fallback of bench/header-scan.sh where the kernel has no netem
qdisc. It models latency only: the relay acknowledges at once, so TCP
windows, loss and bandwidth limits of a real path are not modelled (they do
not matter for a header scan, whose cost is round trips). It exits after
MAX_SECONDS (default 1800) or when its parent is gone.
"""

import asyncio
import os
import socket
import sys


async def pump(reader, writer, delay):
	"""Copy reader to writer, each chunk delay seconds after it arrived."""
	loop = asyncio.get_running_loop()
	queue = asyncio.Queue()

	async def send():
		while True:
			due, data = await queue.get()
			wait = due - loop.time()
			if wait > 0:
				await asyncio.sleep(wait)
			if not data:
				break
			writer.write(data)
			await writer.drain()
		if writer.can_write_eof():
			writer.write_eof()

	sender = asyncio.ensure_future(send())
	try:
		while True:
			data = await reader.read(65536)
			queue.put_nowait((loop.time() + delay, data))
			if not data:
				break
		await sender
	except (ConnectionError, OSError):
		sender.cancel()
	finally:
		writer.close()


def nodelay(writer):
	sock = writer.get_extra_info('socket')
	if sock is not None:
		sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


async def main(host, port, delay, lifetime):
	parent = os.getppid()

	async def handle(client_reader, client_writer):
		try:
			server_reader, server_writer = await asyncio.open_connection(host, port)
		except OSError:
			client_writer.close()
			return
		nodelay(client_writer)
		nodelay(server_writer)
		await asyncio.gather(pump(client_reader, server_writer, delay),
				     pump(server_reader, client_writer, delay),
				     return_exceptions=True)

	server = await asyncio.start_server(handle, '127.0.0.1', 0)
	print(server.sockets[0].getsockname()[1], flush=True)
	loop = asyncio.get_running_loop()
	end = loop.time() + lifetime
	while loop.time() < end and os.getppid() == parent:
		await asyncio.sleep(0.5)
	server.close()


if __name__ == '__main__':
	if len(sys.argv) not in (4, 5):
		sys.stderr.write(__doc__)
		sys.exit(64)
	try:
		asyncio.run(main(sys.argv[1], int(sys.argv[2]), float(sys.argv[3]) / 1000.0,
				 float(sys.argv[4]) if len(sys.argv) == 5 else 1800.0))
	except KeyboardInterrupt:
		pass
