"""A small TCP proxy between the tablet's sync client and the live test server.

It lets a test break the network the way the field does, at exact moments:
- `down`: every new connection is closed at once (server unreachable);
- `cut_push_responses`: the next N sync pushes reach the server, which commits and
  answers, but the answer is dropped and the connection closed (the tablet never
  learns that it worked);
- `cut_photo_uploads`: the next N photo uploads are cut off halfway through the body;
- `hold_push_response`: a push's answer is held back (the server has committed) until
  `release` is set, and `push_committed` is set meanwhile, so a test can kill the
  client right then.
"""

from __future__ import annotations

import contextlib
import socket
import threading
from typing import Final

PUSH: Final = b"POST /api/v1/sync/inspections"
PHOTO_PUT: Final = b"PUT /api/v1/photos/"


class TcpProxy:
    def __init__(self, upstream: tuple[str, int]) -> None:
        self.upstream = upstream
        self.down = False
        self.cut_push_responses = 0
        self.cut_photo_uploads = 0
        self.hold_push_response = False
        self.push_committed = threading.Event()
        self.release = threading.Event()
        self.requests: list[bytes] = []
        self._lock = threading.Lock()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self._closed = False
        threading.Thread(target=self._accept, daemon=True).start()

    def close(self) -> None:
        self._closed = True
        self.release.set()
        self._listener.close()

    def _take(self, name: str) -> bool:
        with self._lock:
            left = getattr(self, name)
            if left > 0:
                setattr(self, name, left - 1)
                return True
            return False

    def _accept(self) -> None:
        while not self._closed:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            if self.down:
                client.close()
                continue
            try:
                upstream = socket.create_connection(self.upstream)
            except OSError:
                client.close()
                continue
            connection = _Connection(self, client, upstream)
            threading.Thread(target=connection.upward, daemon=True).start()
            threading.Thread(target=connection.downward, daemon=True).start()


class _Connection:
    def __init__(self, proxy: TcpProxy, client: socket.socket, upstream: socket.socket) -> None:
        self.proxy, self.client, self.upstream = proxy, client, upstream
        self.cut_response = False
        self.hold_response = False

    def close(self) -> None:
        for sock in (self.client, self.upstream):
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            with contextlib.suppress(OSError):
                sock.close()

    def upward(self) -> None:
        try:
            while chunk := self.client.recv(65536):
                if self.proxy.down:
                    break  # kept-alive connections die too
                if chunk.startswith((PUSH, PHOTO_PUT, b"GET ", b"HEAD ", b"POST ")):
                    self.proxy.requests.append(chunk.split(b"\r\n", 1)[0])
                if chunk.startswith(PUSH):
                    if self.proxy._take("cut_push_responses"):
                        self.cut_response = True
                    elif self.proxy.hold_push_response:
                        self.hold_response = True
                if chunk.startswith(PHOTO_PUT) and self.proxy._take("cut_photo_uploads"):
                    # Headers and only part of the body, then the line goes dead.
                    head, _, body = chunk.partition(b"\r\n\r\n")
                    self.upstream.sendall(head + b"\r\n\r\n" + body[: len(body) // 2])
                    self.close()
                    return
                self.upstream.sendall(chunk)
        except OSError:
            pass
        self.close()

    def downward(self) -> None:
        try:
            while chunk := self.upstream.recv(65536):
                if self.cut_response:
                    # The server has answered, so it has committed: drop the answer.
                    break
                if self.hold_response:
                    self.proxy.push_committed.set()
                    self.proxy.release.wait(60)
                    self.hold_response = False
                self.client.sendall(chunk)
        except OSError:
            pass
        self.close()
