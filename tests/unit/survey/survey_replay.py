"""Test helpers for the statistics tests: a local HTTP server that replays recorded answers,
and a fake clock whose sleep only moves time forward, so no test waits for real.

Kept in a module with a unique name (not conftest) so tests can import it without clashing
with other folders' conftest modules.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Reply:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds to stall before answering (for timeout tests)


@dataclass
class Seen:
    target: str  # path and raw query, exactly as the client sent them
    at: float


class ReplayServer:
    """Answers GETs from queues of replies keyed by "path?query" or by path alone.

    The last reply of a queue repeats once the others are used. `{{BASE}}` in a body is
    replaced by the server's own URL, so recorded paging links point back here.
    """

    def __init__(self) -> None:
        self._routes: dict[str, list[Reply]] = {}
        self._lock = threading.Lock()
        self.seen: list[Seen] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:  # noqa: N802 - http.server's naming
                reply = server._take(self.path)
                if reply.delay:
                    time.sleep(reply.delay)
                body = reply.body.replace(b"{{BASE}}", server.url.encode())
                try:
                    self.send_response(reply.status)
                    headers = {"Content-Type": "application/json; charset=utf-8", **reply.headers}
                    for name, value in headers.items():
                        self.send_header(name, value)
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (timeout); nothing to answer

            def log_message(self, format: str, *args: object) -> None:  # noqa: A002
                pass

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        self._httpd.block_on_close = False
        self.url = f"http://127.0.0.1:{self._httpd.server_address[1]}"
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    def start(self) -> ReplayServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    def add(self, route: str, *replies: Reply) -> None:
        with self._lock:
            self._routes.setdefault(route, []).extend(replies)

    def add_json(self, route: str, body: bytes | str, status: int = 200, **kw: object) -> None:
        data = body.encode("utf-8") if isinstance(body, str) else body
        self.add(route, Reply(status=status, body=data, **kw))  # type: ignore[arg-type]

    def _take(self, target: str) -> Reply:
        with self._lock:
            self.seen.append(Seen(target, time.monotonic()))
            path = target.split("?", 1)[0]
            queue = self._routes.get(target) or self._routes.get(path)
            if not queue:
                return Reply(404, b'{"error": "no recorded answer for this path"}')
            return queue.pop(0) if len(queue) > 1 else queue[0]

    def targets(self, prefix: str = "") -> list[str]:
        return [s.target for s in self.seen if s.target.startswith(prefix)]


class FakeTime:
    """A monotonic clock that only moves when someone sleeps; every sleep is recorded."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds
