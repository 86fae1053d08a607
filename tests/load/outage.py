"""Ways to take a test's database away from its server and give it back,
without touching anyone else's."""

import socket
import threading
from pathlib import Path


class Proxy:
    """A TCP proxy on loopback between luodi and PostgreSQL. `cut()` drops
    every connection and refuses new ones, as a stopped database server or a
    broken network does; `restore()` listens again on the same port."""

    def __init__(self, target: tuple[str, int]):
        self.target = target
        self.port = 0
        self.listener: socket.socket | None = None
        self.pipes: list[socket.socket] = []
        self.lock = threading.Lock()

    def start(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        # Woken up now and then to see whether it was cut: closing a socket
        # does not wake a thread blocked in accept().
        listener.settimeout(0.1)
        self.port = listener.getsockname()[1]
        self.listener = listener
        self.accepting = threading.Thread(target=self._accept, args=(listener,), daemon=True)
        self.accepting.start()

    restore = start

    def _accept(self, listener: socket.socket) -> None:
        while self.listener is listener:
            try:
                client, _address = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            client.settimeout(None)
            try:
                server = socket.create_connection(self.target)
            except OSError:
                client.close()
                continue
            with self.lock:
                self.pipes += [client, server]
            for source, sink in ((client, server), (server, client)):
                threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    def _pump(self, source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for end in (source, sink):
                try:
                    end.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def cut(self) -> None:
        listener, self.listener = self.listener, None
        if listener is not None:
            self.accepting.join()
            listener.close()
        with self.lock:
            pipes, self.pipes = self.pipes, []
        for end in pipes:
            try:
                end.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            end.close()


class MovedFolder:
    """The folder holding a SQLite database (with its -wal and -shm files)
    moved away and back, as when the volume it lives on goes missing. luodi
    opens SQLite afresh for each request, so a request made meanwhile finds no
    database file where it should be; nothing creates one, since SQLite will
    not make the missing folder."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.away = folder.with_name(folder.name + "-away")

    def cut(self) -> None:
        self.folder.rename(self.away)

    def restore(self) -> None:
        # Fails if anything made the folder again meanwhile.
        self.away.rename(self.folder)
