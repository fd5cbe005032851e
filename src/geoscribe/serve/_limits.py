"""Request limits: a cap on body bytes and on the time to send the body, enforced before
the body is parsed; the size of the translation queue."""

from __future__ import annotations

import asyncio
import json
from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class Limits:
    """What one request may ask for; each excess is a 4xx with a message that says the limit."""

    max_body_bytes: int = 1_000_000  # POST bodies (413 beyond)
    max_batch: int = 64  # texts per POST /translate (422 beyond)
    max_text_chars: int = 20_000  # characters per text (422 beyond); the model cuts there anyway
    max_page: int = 200  # rows per GET /samples page, values per facet
    translate_queue: int = 4  # POST /translate requests running or waiting at once (503 beyond)
    body_timeout_s: int = 30  # seconds to send a request body (408 beyond)

    def to_dict(self) -> dict[str, int]:
        return asdict(self)


class _BodyRefused(Exception):
    """The body broke a limit (size or time); the middleware answers, not the app."""


async def _send_json(send, status: int, detail: str) -> None:
    body = json.dumps({"detail": detail}).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


class BodyLimit:
    """ASGI middleware: 413 when a body is (or turns out to be, while streaming) over
    ``max_bytes``; 408 when the whole body has not arrived ``timeout_s`` seconds after
    the request head (a client trickling bytes holds no worker for long)."""

    def __init__(self, app, max_bytes: int, timeout_s: float = 30.0) -> None:
        self.app, self.max_bytes, self.timeout_s = app, max_bytes, timeout_s

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        message = (f"request body is larger than {self.max_bytes} bytes; "
                   f"send fewer or shorter texts per request")
        length = dict(scope.get("headers") or []).get(b"content-length")
        if length is not None:
            try:
                too_big = int(length) > self.max_bytes
            except ValueError:
                return await _send_json(send, 400, "Content-Length header is not an integer")
            if too_big:
                return await _send_json(send, 413, message)
        received = 0
        failure: tuple[int, str] | None = None  # (status, detail) once the body broke a limit
        started = body_done = False
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.timeout_s

        async def limited_receive():
            nonlocal received, failure, body_done
            if body_done:  # after the body: the app waits for a disconnect, no deadline
                return await receive()
            try:
                msg = await asyncio.wait_for(receive(), max(deadline - loop.time(), 0.001))
            except asyncio.TimeoutError:
                failure = (408, f"request body not received within {self.timeout_s:g} s; send it at once")
                raise _BodyRefused from None
            if msg["type"] == "http.request":
                received += len(msg.get("body", b""))
                body_done = not msg.get("more_body", False)
                if received > self.max_bytes:
                    failure = (413, message)
                    raise _BodyRefused
            return msg

        async def guarded_send(msg):
            # the app may turn the receive error into its own 400: answer ours instead
            nonlocal started
            if failure is not None:
                if not started:
                    started = True
                    await _send_json(send, *failure)
                return
            started = started or msg["type"] == "http.response.start"
            await send(msg)

        try:
            await self.app(scope, limited_receive, guarded_send)
        except _BodyRefused:
            if not started:
                await _send_json(send, *failure)
