"""A lean keep-alive HTTP/1.1 client for load generation (the standard library's http.client).

The load generator shares the machine's cores with the server it measures: httpx spent about
0.9 ms of CPU per queue request in the client, http.client 0.25 ms; what the client burns, the
server's latency pays on a two-core machine."""
from __future__ import annotations

import http.client
from urllib.parse import urlencode, urlsplit

# A kept-alive connection the server closed meanwhile (its keep-alive timeout): sent again once,
# as browsers do for a GET; anything else is an error.
RETRYABLE = (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError)


class Client:
    """One connection with its own cookies; `get`/`post` answer (status, headers, body)."""

    def __init__(self, base: str, timeout: float = 30.0) -> None:
        parts = urlsplit(base)
        self.host, self.port, self.timeout = parts.hostname, parts.port, timeout
        self.cookies: dict[str, str] = {}
        self.conn = self._connect()

    def _connect(self) -> http.client.HTTPConnection:
        return http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)

    def get(self, path: str) -> tuple[int, http.client.HTTPMessage, bytes]:
        return self.request("GET", path)

    def post(self, path: str, form: dict) -> tuple[int, http.client.HTTPMessage, bytes]:
        return self.request("POST", path, urlencode(form).encode(),
                            {"Content-Type": "application/x-www-form-urlencoded"})

    def request(self, method: str, path: str, body: bytes | None = None,
                headers: dict | None = None) -> tuple[int, http.client.HTTPMessage, bytes]:
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        for attempt in (1, 2):
            try:
                self.conn.request(method, path, body=body, headers=headers)
                answer = self.conn.getresponse()
                data = answer.read()
                break
            except RETRYABLE:
                self.conn.close()
                self.conn = self._connect()
                if attempt == 2 or method != "GET":
                    raise
        for cookie in answer.headers.get_all("Set-Cookie") or ():
            name, _, value = cookie.split(";", 1)[0].partition("=")
            self.cookies[name.strip()] = value.strip()
        return answer.status, answer.headers, data

    def close(self) -> None:
        self.conn.close()
