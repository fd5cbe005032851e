"""Run the app with uvicorn."""

from __future__ import annotations

from typing import Any

from ..errors import InputError


def serve(app: Any, *, host: str = "127.0.0.1", port: int = 8000, log_level: str = "warning") -> None:
    """Serve ``app`` until interrupted; one worker process (the models are loaded once)."""
    import uvicorn

    if not 0 <= port <= 65535:
        raise InputError(f"Port {port} is out of range; give 1-65535 (0 picks a free port).")
    uvicorn.run(app, host=host, port=port, log_level=log_level, timeout_graceful_shutdown=5)
