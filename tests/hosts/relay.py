"""Latency without netem: a TCP relay in the hub namespace that holds every chunk for a fixed
delay before passing it on, both ways, in order. A node's connections to one peer are sent
through it by an nftables DNAT rule in the node's own namespace (netns.Lab.route_via); only
connections opened after the rule pass through the relay, so the harness also drops the link
for a moment, which closes the open ones."""

import asyncio
import threading
import time


class DelayRelay:
    """Listens on (host, port) and forwards each connection to `target` (host, port), every chunk
    delayed by delay_s in each direction. Runs on its own thread with its own event loop."""

    def __init__(self, host, port, target, delay_s):
        self.host, self.port, self.target, self.delay_s = host, port, target, delay_s
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.ready = threading.Event()
        self.server = None
        self.error = None
        self.connections = 0

    def start(self):
        self.thread.start()
        self.ready.wait(5)
        if self.error:
            raise self.error

    def stop(self):
        """Closes the listener and every relayed connection, then ends the thread."""
        async def shutdown():
            if self.server:
                self.server.close()
            tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
            for t in tasks:
                t.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

        if self.thread.is_alive():
            asyncio.run_coroutine_threadsafe(shutdown(), self.loop).result(5)
            self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(5)

    def _run(self):
        asyncio.set_event_loop(self.loop)
        try:
            self.server = self.loop.run_until_complete(
                asyncio.start_server(self._serve, self.host, self.port))
        except OSError as e:
            self.error = e
            self.ready.set()
            return
        self.ready.set()
        self.loop.run_forever()

    async def _serve(self, reader, writer):
        self.connections += 1
        try:
            up_reader, up_writer = await asyncio.open_connection(*self.target)
        except (OSError, asyncio.CancelledError):
            writer.close()
            return
        try:
            await asyncio.gather(self._pipe(reader, up_writer), self._pipe(up_reader, writer),
                                 return_exceptions=True)
        except asyncio.CancelledError:  # stop(): the relay closes with its connections
            up_writer.close()
            writer.close()

    async def _pipe(self, reader, writer):
        """Copies reader to writer, each chunk sent delay_s after it arrived, in order."""
        queue = asyncio.Queue()

        async def send():
            while True:
                due, data = await queue.get()
                wait = due - time.monotonic()
                if wait > 0:
                    await asyncio.sleep(wait)
                if data is None:
                    break
                writer.write(data)
                await writer.drain()
            writer.close()

        sender = asyncio.ensure_future(send())
        try:
            while True:
                data = await reader.read(65536)
                await queue.put((time.monotonic() + self.delay_s, data or None))
                if not data:
                    break
        except (ConnectionError, OSError):
            await queue.put((time.monotonic(), None))
        await sender
