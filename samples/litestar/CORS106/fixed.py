"""Litestar app: the company's subdomains through an anchored regex."""

from litestar import Litestar, get
from litestar.config.cors import CORSConfig
from litestar.datastructures import ResponseHeader


@get("/api/items")
async def items() -> dict[str, list[str]]:
    return {"items": []}


cors_config = CORSConfig(
    allow_origins=[],
    allow_origin_regex=r"https://[a-z0-9-]+\.example\.com",
    allow_credentials=True,
)
app = Litestar(route_handlers=[items], cors_config=cors_config,
               response_headers=[ResponseHeader(name="Vary", value="Origin")])
