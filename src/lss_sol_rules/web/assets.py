"""Static assets served by the package itself, so every page works without internet.

Swagger UI and ReDoc come from the ``fastapi-offline`` package (part of the ``server``
extra), which ships their built JavaScript and CSS; the explorer's own stylesheet lives in
``web/static``.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from fastapi import FastAPI
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.staticfiles import StaticFiles
from starlette.responses import HTMLResponse

__all__ = ["API_DOCS_ASSETS", "STATIC_URL", "add_api_docs", "add_static"]

STATIC_URL = "/static"
API_DOCS_ASSETS = "/static/api-docs"

# Swagger UI and ReDoc start from an inline script and ReDoc runs a worker from a blob; the
# policy keeps every fetch on this service (ReDoc's footer logo on a CDN is never requested).
_DOCS_POLICY = {
    "content-security-policy": "default-src 'self'; script-src 'self' 'unsafe-inline' blob:; "
    "style-src 'self' 'unsafe-inline'; img-src 'self' data:; worker-src 'self' blob:; "
    "connect-src 'self'; font-src 'self' data:; frame-ancestors 'none'",
    "x-content-type-options": "nosniff",
}


def _api_docs_dir() -> Path | None:
    try:
        import fastapi_offline  # noqa: PLC0415 - optional at import time
    except ImportError:
        return None
    folder = Path(fastapi_offline.__file__).parent / "static"
    return folder if (folder / "swagger-ui-bundle.js").is_file() else None


def add_api_docs(app: FastAPI) -> None:
    """Serve ``/docs`` (Swagger UI) and ``/redoc`` from packaged assets.

    Without ``fastapi-offline`` installed both routes are left out (a blank CDN page would
    be worse than a 404); ``/openapi.json`` is always there.
    """
    folder = _api_docs_dir()
    if folder is None:
        return
    app.mount(API_DOCS_ASSETS, StaticFiles(directory=folder), name="api-docs-assets")
    openapi_url = app.openapi_url or "/openapi.json"

    @app.get("/docs", include_in_schema=False)
    def swagger() -> HTMLResponse:
        page = get_swagger_ui_html(
            openapi_url=openapi_url,
            title="lss-sol-rules – API",
            swagger_js_url=f"{API_DOCS_ASSETS}/swagger-ui-bundle.js",
            swagger_css_url=f"{API_DOCS_ASSETS}/swagger-ui.css",
            swagger_favicon_url=f"{API_DOCS_ASSETS}/favicon.png",
        )
        page.headers.update(_DOCS_POLICY)
        return page

    @app.get("/redoc", include_in_schema=False)
    def redoc() -> HTMLResponse:
        page = get_redoc_html(
            openapi_url=openapi_url,
            title="lss-sol-rules – API",
            redoc_js_url=f"{API_DOCS_ASSETS}/redoc.standalone.js",
            redoc_favicon_url=f"{API_DOCS_ASSETS}/favicon.png",
            with_google_fonts=False,
        )
        page.headers.update(_DOCS_POLICY)
        return page


def add_static(app: FastAPI) -> None:
    """Serve the explorer's stylesheet and scripts from ``web/static`` at :data:`STATIC_URL`."""
    folder = Path(str(files("lss_sol_rules.web") / "static"))
    app.mount(STATIC_URL, StaticFiles(directory=folder), name="static")
