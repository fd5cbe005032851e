"""Request limits: a cap on body bytes enforced before the body is parsed."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class Limits:
    """What one request may ask for; each excess is a 4xx with a message that says the limit."""

    max_body_bytes: int = 1_000_000  # POST bodies (413 beyond)
    max_batch: int = 64  # texts per POST /translate (422 beyond)
    max_text_chars: int = 20_000  # characters per text (422 beyond); the model cuts there anyway
    max_page: int = 200  # rows per GET /samples page, values per facet

    def to_dict(self) -> dict[str, int]:
        return asdict(self)


class _TooLarge(Exception):
    pass


async def _send_json(send, status: int, detail: str) -> None:
    body = json.dumps({"detail": detail}).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


class BodyLimit:
    """ASGI middleware: 413 when a body is (or turns out to be, while streaming) over ``max_bytes``."""

    def __init__(self, app, max_bytes: int) -> None:
        self.app, self.max_bytes = app, max_bytes

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
        exceeded = started = False

        async def limited_receive():
            nonlocal received, exceeded
            msg = await receive()
            if msg["type"] == "http.request":
                received += len(msg.get("body", b""))
                if received > self.max_bytes:
                    exceeded = True
                    raise _TooLarge
            return msg

        async def guarded_send(msg):
            # the app may turn the receive error into its own 400: answer 413 instead
            nonlocal started
            if exceeded:
                if not started:
                    started = True
                    await _send_json(send, 413, message)
                return
            started = started or msg["type"] == "http.response.start"
            await send(msg)

        try:
            await self.app(scope, limited_receive, guarded_send)
        except _TooLarge:
            if not started:
                await _send_json(send, 413, message)
