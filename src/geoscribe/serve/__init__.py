"""HTTP service: translation, faceted search over an ingest database, and a search page.

``create_app(db=..., models=...)`` builds the FastAPI app; :func:`serve` runs it with uvicorn.
"""

from ._app import Service, StoreLike, create_app, open_store
from ._limits import Limits
from ._run import serve

__all__ = ["Limits", "Service", "StoreLike", "create_app", "open_store", "serve"]
