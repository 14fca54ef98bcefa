"""A webhook receiver on 127.0.0.1 that misbehaves on purpose: for each message id, the first attempt's
connection is dropped, the second gets a 500, the third an answer slower than the sender waits; from the
fourth on it answers 204 (a little slowly). It records every attempt and lets a test wait for deliveries."""

from __future__ import annotations

import http.server
import threading
import time
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Attempt:
    message_id: str
    headers: dict[str, str]
    body: bytes
    answered: int  # 0: the connection was dropped or the answer came too late to count


@dataclass
class Receiver:
    slow_seconds: float  # longer than the dispatcher's webhook_timeout_ms
    always_fail: bool = False
    attempts: list[Attempt] = field(default_factory=list)
    changed: threading.Condition = field(default_factory=threading.Condition)

    def delivered(self) -> dict[str, list[Attempt]]:
        """Message id -> its attempts that were answered 2xx."""
        with self.changed:
            done: dict[str, list[Attempt]] = {}
            for attempt in self.attempts:
                if 200 <= attempt.answered < 300:
                    done.setdefault(attempt.message_id, []).append(attempt)
            return done

    def wait_for(self, ready: object, timeout: float = 120.0) -> None:
        """Wait until ``ready()`` holds (checked on each attempt); the timeout bounds a broken run only."""
        with self.changed:
            if not self.changed.wait_for(ready, timeout=timeout):  # type: ignore[arg-type]
                raise AssertionError(f"webhook deliveries never got there: {self.attempts}")

    def _record(self, attempt: Attempt) -> None:
        with self.changed:
            self.attempts.append(attempt)
            self.changed.notify_all()

    def serve(self) -> tuple[http.server.ThreadingHTTPServer, str]:
        receiver = self
        seen: dict[str, int] = {}
        lock = threading.Lock()

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("content-length", "0")))
                headers = {k.lower(): v for k, v in self.headers.items()}
                message_id = headers.get("webhook-id", "")
                with lock:
                    seen[message_id] = seen.get(message_id, 0) + 1
                    attempt = seen[message_id]
                if receiver.always_fail or attempt == 2:
                    self.send_response(500)
                    self.send_header("content-length", "0")
                    self.end_headers()
                    receiver._record(Attempt(message_id, headers, body, 500))
                elif attempt == 1:
                    receiver._record(Attempt(message_id, headers, body, 0))
                    self.close_connection = True
                    self.connection.close()  # dropped: no status line at all
                elif attempt == 3:
                    time.sleep(receiver.slow_seconds)  # the sender has given up by now
                    receiver._record(Attempt(message_id, headers, body, 0))
                    try:
                        self.send_response(204)
                        self.end_headers()
                    except OSError:
                        pass
                else:
                    time.sleep(0.01)
                    self.send_response(204)
                    self.end_headers()
                    receiver._record(Attempt(message_id, headers, body, 204))

        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        server.daemon_threads = True
        threading.Thread(target=server.serve_forever, daemon=True).start()
        return server, f"http://127.0.0.1:{server.server_address[1]}/hooks"
