"""The web server around app.py: the sign-in cookie routes and security headers (``streamlit run server.py``).

A Streamlit script cannot set an HttpOnly cookie; these two routes can. After a sign-in the page
makes the browser request ``/auth/bind?ticket=…`` (a one-time, one-minute ticket); the answer
sets the session cookie, which a reload or a deep link later presents to find the server-side
session again. ``/auth/clear`` drops the cookie after sign-out.
"""

from __future__ import annotations

import importlib
import threading
from functools import lru_cache

import anyio
import streamlit as st
from starlette.middleware import Middleware
from starlette.middleware.base import BaseHTTPMiddleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from streamlit.runtime.pages_manager import PagesManager

from data_loaders import accounts
from data_loaders.store import Store, StoreError
from paicha.config import load_settings
from ui import preload
from ui.maps import assets as map_assets
from ui.maps import tiles as map_tiles

# Streamlit's old file-name routing of the pages/ folder, off before any session starts: why, see
# ui/pages.py.
PagesManager.uses_pages_directory = False

SETTINGS = load_settings()
# Tiles come from the configured servers only (every source the map page offers); everything
# else is served by the app itself. Scripts and styles must be inline for Streamlit's own page
# and for the map's iframe.
CSP = "; ".join([
    "default-src 'self'",
    "script-src 'self' 'unsafe-inline' 'unsafe-eval'",
    "style-src 'self' 'unsafe-inline'",
    " ".join(["img-src 'self' data: blob:", *map_tiles.hosts(SETTINGS)]),
    "font-src 'self' data:",
    "connect-src 'self' ws: wss:",
    "frame-src 'self' blob: data: about:",
    "frame-ancestors 'self'",
    "form-action 'self'",
    "base-uri 'self'",
    "object-src 'none'",
])


@lru_cache(maxsize=1)
def _store() -> Store:
    # The same DuckDB connection as the app's (one per file per process), its own cursor per thread.
    opened = Store(SETTINGS.db_path, memory_limit=SETTINGS.store_memory_limit)
    opened.fail_closed()  # the routes read sessions alone, never a town's rows
    return opened


def _bind(ticket: str) -> str | None:
    try:
        return accounts.bind_cookie(_store(), ticket)
    except StoreError:  # the page itself shows what is wrong with the store; no cookie meanwhile
        _store.cache_clear()
        return None


async def bind(request: Request) -> Response:
    """Trade a one-time sign-in ticket for the session cookie."""
    ticket = request.query_params.get("ticket", "")
    cookie = await anyio.to_thread.run_sync(_bind, ticket) if ticket else None
    response = Response(status_code=204, headers={"Cache-Control": "no-store"})
    if cookie:
        response.set_cookie(accounts.COOKIE_NAME, cookie, max_age=SETTINGS.auth.session_hours * 3600,
                            httponly=True, samesite="strict", secure=SETTINGS.auth.cookie_secure, path="/")
    return response


async def clear(request: Request) -> Response:
    response = Response(status_code=204, headers={"Cache-Control": "no-store"})
    response.delete_cookie(accounts.COOKIE_NAME, path="/", httponly=True, samesite="strict")
    return response


async def map_asset(request: Request) -> Response:
    """Leaflet, its plugins and the map's own script, from the installed packages (ui.maps.assets).

    The URL carries the assets' hash, so the browser keeps them for a year and a new version
    is a new URL; any name but the listed files is a 404, never a path on the disk.
    """
    name = request.path_params["name"]
    if request.path_params["version"] != map_assets.version():
        return Response(status_code=404)
    try:
        body = map_assets.content(name)
    except KeyError:
        return Response(status_code=404)
    return Response(body, media_type=map_assets.mime(name),
                    headers={"Cache-Control": "public, max-age=31536000, immutable"})


class SecurityHeaders(BaseHTTPMiddleware):
    """Headers for an intranet deployment: no sniffing, no framing by others, no referrer, a CSP
    that keeps the browser from fetching anything (images included) from another host; and on the
    page itself, the scripts the overview will need (ui.preload).
    """

    async def dispatch(self, request: Request, call_next):
        response = await call_next(request)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "SAMEORIGIN")
        response.headers.setdefault("Referrer-Policy", "no-referrer")
        response.headers.setdefault("Content-Security-Policy", CSP)
        links = preload.link_header(st.get_option("server.baseUrlPath") or "")
        if links and response.headers.get("content-type", "").startswith("text/html"):
            response.headers["Link"] = links
        return response


# What the sign-in form and the overview behind it import (pandas, plotly, the store's queries):
# loaded in the background from the server's start, while the browser is still fetching
# Streamlit's own scripts, instead of inside the first visitor's first script runs.
# The other pages' heavier imports (ui.cache defers them) follow, while the visitor types.
WARM_MODULES = ("ui.session", "ui.cache", "ui.tables.progress", "ui.figures.progress", "data_loaders.reports",
                "paicha.overview", "data_loaders.spot_checks", "ui.maps.builders", "data_loaders.household_exports")


def _warm() -> None:
    for name in WARM_MODULES:
        importlib.import_module(name)


threading.Thread(target=_warm, name="paicha-warm-imports", daemon=True).start()

app = st.App("app.py", routes=[Route("/auth/bind", bind), Route("/auth/clear", clear),
                               Route(f"/{map_assets.ROUTE}/{{version}}/{{name}}", map_asset)],
             middleware=[Middleware(SecurityHeaders)])
