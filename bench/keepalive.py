"""A lean keep-alive HTTP/1.1 client for load generation, on a plain socket.

The load generator shares the machine's cores with the server it measures, and what the
client burns the server's latency pays. Per queue request, httpx spent about 0.9 ms of CPU in
the client and http.client 0.25 ms, most of it parsing headers with the email package; this
client reads only the status, Content-Length, Connection and Set-Cookie headers it needs."""
from __future__ import annotations

import socket
from urllib.parse import urlencode, urlsplit


class HTTPError(OSError):
    """An answer this client cannot read (the server broke the protocol or the connection)."""


class Client:
    """One connection with its own cookies; `get`/`post` answer (status, headers, body), the
    headers as a dict of lower-case names to lists of values."""

    def __init__(self, base: str, timeout: float = 30.0) -> None:
        parts = urlsplit(base)
        self.address, self.timeout = (parts.hostname, parts.port), timeout
        self.cookies: dict[str, str] = {}
        self.sock: socket.socket | None = None
        self.buffer = b""

    def get(self, path: str) -> tuple[int, dict[str, list[str]], bytes]:
        return self.request("GET", path)

    def post(self, path: str, form: dict) -> tuple[int, dict[str, list[str]], bytes]:
        return self.request("POST", path, urlencode(form).encode(),
                            {"Content-Type": "application/x-www-form-urlencoded"})

    def request(self, method: str, path: str, body: bytes = b"",
                headers: dict | None = None) -> tuple[int, dict[str, list[str]], bytes]:
        lines = [f"{method} {path} HTTP/1.1", f"Host: {self.address[0]}:{self.address[1]}"]
        lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
        if self.cookies:
            lines.append("Cookie: " + "; ".join(f"{k}={v}" for k, v in self.cookies.items()))
        if body or method == "POST":
            lines.append(f"Content-Length: {len(body)}")
        message = ("\r\n".join(lines) + "\r\n\r\n").encode() + body
        # A kept-alive connection the server closed meanwhile (its keep-alive timeout) is
        # opened again once for a GET, as browsers do; anything else is an error.
        reused = self.sock is not None
        try:
            answer = self._exchange(message)
        except (ConnectionError, HTTPError):
            self.close()
            if not reused or method != "GET":
                raise
            answer = self._exchange(message)
        status, found, data = answer
        for cookie in found.get("set-cookie", ()):
            name, _, value = cookie.split(";", 1)[0].partition("=")
            self.cookies[name.strip()] = value.strip()
        if "close" in found.get("connection", ()):
            self.close()
        return status, found, data

    def _exchange(self, message: bytes) -> tuple[int, dict[str, list[str]], bytes]:
        if self.sock is None:
            self.sock = socket.create_connection(self.address, timeout=self.timeout)
            self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            self.buffer = b""
        self.sock.sendall(message)
        head = self._read_until(b"\r\n\r\n")
        status_line, *header_lines = head.decode("latin-1").split("\r\n")
        try:
            status = int(status_line.split(" ", 2)[1])
        except (IndexError, ValueError):
            raise HTTPError(f"not an HTTP answer: {status_line[:80]!r}") from None
        found: dict[str, list[str]] = {}
        for line in header_lines:
            name, _, value = line.partition(":")
            found.setdefault(name.strip().lower(), []).append(value.strip())
        if "chunked" in found.get("transfer-encoding", [""])[0]:
            return status, found, self._read_chunked()
        return status, found, self._read_exactly(int(found.get("content-length", ["0"])[0]))

    def _fill(self) -> None:
        data = self.sock.recv(65536)
        if not data:
            raise ConnectionResetError("the server closed the connection")
        self.buffer += data

    def _read_until(self, marker: bytes) -> bytes:
        while (end := self.buffer.find(marker)) < 0:
            self._fill()
        found, self.buffer = self.buffer[:end], self.buffer[end + len(marker):]
        return found

    def _read_exactly(self, size: int) -> bytes:
        while len(self.buffer) < size:
            self._fill()
        found, self.buffer = self.buffer[:size], self.buffer[size:]
        return found

    def _read_chunked(self) -> bytes:
        parts = []
        while size := int(self._read_until(b"\r\n").split(b";", 1)[0], 16):
            parts.append(self._read_exactly(size))
            self._read_exactly(2)
        self._read_until(b"\r\n")  # no trailers are sent to us
        return b"".join(parts)

    def close(self) -> None:
        if self.sock is not None:
            self.sock.close()
            self.sock = None
