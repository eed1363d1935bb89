"""A TCP relay on 127.0.0.1 in front of a server, which can "freeze": stop forwarding bytes
while every socket stays open, as a frozen server (SIGSTOP) or a host gone silent does.
Used by tests/test_frozen_database.py and benchmarks/bench_stall.py."""

from __future__ import annotations

import socket
import threading
import time


class Relay:
    """Forwards 127.0.0.1:<port> to the database; ``frozen`` holds every byte in flight."""

    def __init__(self, host: str, port: int, listen_port: int = 0):
        self.upstream = (host, port)
        self.frozen = threading.Event()
        self.holding = threading.Event()  # set once bytes in flight are held by a freeze
        self.listener = socket.create_server(("127.0.0.1", listen_port))
        self.port = self.listener.getsockname()[1]
        self.sockets: list[socket.socket] = [self.listener]
        self.closed = False
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while not self.closed:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            server = socket.create_connection(self.upstream)
            self.sockets += [client, server]
            for source, target in ((client, server), (server, client)):
                threading.Thread(target=self._pump, args=(source, target), daemon=True).start()

    def _pump(self, source: socket.socket, target: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                while self.frozen.is_set() and not self.closed:
                    self.holding.set()
                    time.sleep(0.01)
                target.sendall(data)
        except OSError:
            pass

    def close(self) -> None:
        self.closed = True
        for sock in self.sockets:
            sock.close()
