"""Run the app with uvicorn: bind first, then say where it listens, with connection timeouts.

The socket is bound before the server starts, so a port in use is one clear error
and ``--port 0`` reports the port the system picked. uvicorn closes idle keep-alive
connections but has no timer on a connection that never finishes its request head,
so :class:`_H11WithHeaderTimeout` closes those after ``header_timeout`` seconds.
"""

from __future__ import annotations

import asyncio
import errno
import socket
from collections.abc import Callable
from typing import Any

from ..errors import InputError

#: seconds a client has to send a complete request head (request line and headers)
HEADER_TIMEOUT = 10.0
#: seconds an idle keep-alive connection stays open (uvicorn's ``timeout_keep_alive``)
KEEP_ALIVE_TIMEOUT = 5
#: most connections and requests at once; beyond, uvicorn answers 503 (``limit_concurrency``)
MAX_CONNECTIONS = 256
#: largest request head, in bytes (h11's ``max_incomplete_event_size``); beyond, 431/400
MAX_HEADER_BYTES = 16 * 1024


def bind(host: str, port: int) -> socket.socket:
    """A listening TCP socket on ``host:port``; a port in use or a bad host is an :class:`InputError`."""
    if not 0 <= port <= 65535:
        raise InputError(f"Port {port} is out of range; give 1-65535 (0 picks a free port).")
    try:
        family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
    except socket.gaierror as exc:
        raise InputError(f"Cannot listen on host {host!r}: {exc.strerror}; fix --host.") from None
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(128)
    except OSError as exc:
        sock.close()
        if exc.errno == errno.EADDRINUSE:
            raise InputError(f"Port {port} on {host} is in use; pick another with --port "
                             "(--port 0 picks a free one).") from None
        raise InputError(f"Cannot listen on {host}:{port}: {exc.strerror or exc}.") from None
    sock.set_inheritable(True)
    return sock


def url_of(sock: socket.socket) -> str:
    host, port = sock.getsockname()[:2]
    return f"http://[{host}]:{port}/" if ":" in host else f"http://{host}:{port}/"


def _header_timeout_protocol(seconds: float) -> type:
    from uvicorn.protocols.http.h11_impl import H11Protocol

    class _H11WithHeaderTimeout(H11Protocol):
        """h11 that closes a connection whose first request head is not complete in time."""

        def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
            super().connection_made(transport)
            self._head_timer = self.loop.call_later(seconds, self._head_timed_out)

        def _head_timed_out(self) -> None:
            if self.cycle is None and not self.transport.is_closing():
                self.transport.close()

        def connection_lost(self, exc: Exception | None) -> None:
            self._head_timer.cancel()
            super().connection_lost(exc)

    return _H11WithHeaderTimeout


def make_server(app: Any, *, host: str = "127.0.0.1", port: int = 8000, log_level: str = "warning",
                on_ready: Callable[[str], None] | None = None,
                header_timeout: float = HEADER_TIMEOUT) -> tuple[Any, socket.socket]:
    """A uvicorn server for ``app`` and its bound socket; ``server.run(sockets=[sock])`` serves.

    ``on_ready(url)`` is called once the server accepts connections, with the real port.
    """
    import uvicorn

    sock = bind(host, port)
    url = url_of(sock)
    config = uvicorn.Config(
        app, log_level=log_level, http=_header_timeout_protocol(header_timeout),
        timeout_keep_alive=KEEP_ALIVE_TIMEOUT, timeout_graceful_shutdown=5,
        limit_concurrency=MAX_CONNECTIONS, h11_max_incomplete_event_size=MAX_HEADER_BYTES,
    )

    class _Server(uvicorn.Server):
        async def startup(self, sockets=None) -> None:
            await super().startup(sockets=sockets)
            if on_ready is not None and not self.should_exit:
                on_ready(url)

    return _Server(config), sock


def serve(app: Any, *, host: str = "127.0.0.1", port: int = 8000, log_level: str = "warning",
          on_ready: Callable[[str], None] | None = None) -> None:
    """Serve ``app`` until interrupted; one worker process (the models are loaded once).
    A port in use is an :class:`InputError` before ``on_ready`` is called."""
    server, sock = make_server(app, host=host, port=port, log_level=log_level, on_ready=on_ready)
    try:
        server.run(sockets=[sock])
    finally:
        sock.close()
