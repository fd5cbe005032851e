"""The API documentation page at ``/docs``, served with no request leaving the server.

FastAPI's own ``/docs`` loads Swagger UI from a CDN, which fails offline and leaks the
visit. The Swagger UI files come from the ``swagger-ui-bundle-v2`` package (Swagger UI 5,
which reads the OpenAPI 3.1 document FastAPI writes) and are served under ``/docs/assets``.
Without that package ``/docs`` is a plain page that links the OpenAPI document.
ReDoc (``/redoc``) is off: it too would load from a CDN.
"""

from __future__ import annotations

import html
from pathlib import Path

from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

ASSETS = "/docs/assets"


def swagger_ui_dir() -> Path | None:
    """The folder of Swagger UI's files, if the bundle package is installed."""
    try:
        from swagger_ui_bundle import swagger_ui_path
    except ImportError:
        return None
    path = Path(str(swagger_ui_path))
    return path if (path / "swagger-ui-bundle.js").is_file() else None


def _plain_page(app: FastAPI) -> HTMLResponse:
    """The operations of the OpenAPI document and a link to it, in plain HTML."""
    title = html.escape(app.title)
    rows = "".join(
        f"<li><code>{html.escape(method.upper())} {html.escape(path)}</code> "
        f"{html.escape(operation.get('summary', ''))}</li>"
        for path, operations in app.openapi().get("paths", {}).items()
        for method, operation in operations.items()
    )
    return HTMLResponse(f"<!doctype html><meta charset='utf-8'><title>{title} API</title>"
                        f"<h1>{title} {html.escape(app.version)} API</h1>"
                        f"<p>The OpenAPI document: <a href='{app.openapi_url}'>{app.openapi_url}</a>.</p>"
                        f"<ul>{rows}</ul>")


def mount_docs(app: FastAPI) -> None:
    """Add ``/docs`` (and its assets) to ``app``, built with ``docs_url=None``."""
    folder = swagger_ui_dir()
    if folder is None:
        app.add_api_route("/docs", lambda: _plain_page(app), include_in_schema=False)
        return
    app.mount(ASSETS, StaticFiles(directory=folder), name="docs-assets")

    def docs() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=app.openapi_url, title=f"{app.title} API",
            swagger_js_url=f"{ASSETS}/swagger-ui-bundle.js", swagger_css_url=f"{ASSETS}/swagger-ui.css",
            swagger_favicon_url=f"{ASSETS}/favicon-32x32.png",
        )

    app.add_api_route("/docs", docs, include_in_schema=False)
