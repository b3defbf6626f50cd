"""The Litestar application: API under /api, OpenAPI under /schema, the PWA at /."""

from __future__ import annotations

import gc
import importlib
import pkgutil
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from litestar import Litestar
from litestar.config.compression import CompressionConfig
from litestar.di import Provide
from litestar.openapi import OpenAPIConfig
from litestar.static_files import create_static_files_router

import api
from api.auth.principal import current_principal
from api.boundary import MAX_JSON_BYTES, StrictRequest, url_boundary_middleware
from api.client_address import proxy_headers_middleware
from api.config import get_settings
from api.errors import EXCEPTION_HANDLERS
from api.http_headers import security_headers_middleware
from api.openapi import ContractJsonPlugin, WallClockTimeSchema, document_errors
from api.push.worker import delivery_worker
from api.pwa_build import served_directories
from db.pool import BoundedPool, open_pool, statement_file_recorder
from piccolo_conf import DB


def discover_route_handlers() -> list:
    """Every module under api/ may export `ROUTES = [...]`: controllers and handlers to mount.

    Domains stay self-contained: adding a package never means editing this file.
    """
    handlers: list = []
    for module_info in pkgutil.walk_packages(api.__path__, prefix="api."):
        module = importlib.import_module(module_info.name)
        handlers.extend(getattr(module, "ROUTES", []))
    return handlers


def freeze_startup_heap() -> None:
    """Hide what start-up built (modules, routes, the OpenAPI schema, the pool) from the cyclic
    garbage collector: it lives as long as the process. Without this, every full collection walked
    ~150,000 such objects, a 100-400 ms pause (measured under `just bench`) that every request in
    flight waited through: the tail at 64 clients. Requests' own garbage is still collected."""
    gc.collect()
    gc.freeze()


async def open_process_pool(*, min_size: int, max_size: int) -> BoundedPool:
    """This process's pool: the server's, or the start-up's (the demo seed, api/__main__.py). Under
    CARTABLE_SQL_LOG every statement it sends is logged there (the tests' Citus check)."""
    settings = get_settings()
    return await open_pool(
        DB.config["dsn"],
        min_size=min_size,
        max_size=max_size,
        acquire_timeout=settings.db_acquire_timeout,
        record_statement=statement_file_recorder(settings.sql_log) if settings.sql_log else None,
    )


@asynccontextmanager
async def database_pool(_: Litestar) -> AsyncIterator[None]:
    # A host process (the test suite) may already own a pool for this engine; then reuse it. A
    # server process owns its pool: its start-up is over once the pool is open.
    owns_pool = DB.pool is None
    if owns_pool:
        settings = get_settings()
        DB.pool = await open_process_pool(min_size=settings.db_pool_min, max_size=settings.db_pool_max)
        freeze_startup_heap()
    try:
        yield
    finally:
        if owns_pool:
            await DB.close_connection_pool()


def create_app() -> Litestar:
    # The PWA and its npm dependencies (installed by ./just, never copied), minified: api/pwa_build.py.
    served = served_directories()
    pwa = create_static_files_router(
        path="/", directories=[served["/"]], html_mode=True, name="pwa", include_in_schema=False
    )
    vendor = [
        create_static_files_router(
            path=prefix, directories=[directory], name=f"vendor-{prefix.rsplit('/', 1)[1]}", include_in_schema=False
        )
        for prefix, directory in served.items()
        if prefix != "/"
    ]
    settings = get_settings()
    app = Litestar(
        route_handlers=[*discover_route_handlers(), *vendor, pwa],
        dependencies={"principal": Provide(current_principal)},
        exception_handlers=EXCEPTION_HANDLERS,
        lifespan=[database_pool, delivery_worker],
        middleware=[
            *proxy_headers_middleware(settings.trusted_proxies),
            security_headers_middleware,
            url_boundary_middleware,
        ],
        request_class=StrictRequest,
        plugins=[WallClockTimeSchema()],
        request_max_body_size=MAX_JSON_BYTES,
        # The PWA's files go gzipped (its 60 KB budget is counted so); API answers are left as they are.
        compression_config=CompressionConfig(backend="gzip", exclude="^/api/"),
        # JSON only: the HTML renderers load scripts from a CDN, which the app never does.
        openapi_config=OpenAPIConfig(
            title="Cartable API",
            version="0.1.0",
            path="/schema",
            render_plugins=[ContractJsonPlugin(path=["/", "/openapi.json"])],
        ),
    )
    document_errors(app)
    return app
