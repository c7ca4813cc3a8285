"""Litestar app: CORSConfig limited to the front-end origin, with credentials."""

from litestar import Litestar, get
from litestar.config.cors import CORSConfig
from litestar.datastructures import ResponseHeader


@get("/api/items")
async def items() -> dict[str, list[str]]:
    return {"items": []}


cors_config = CORSConfig(
    allow_origins=["https://app.example.com"],
    allow_credentials=True,
    allow_methods=["GET", "POST"],
    allow_headers=["Content-Type"],
)
# Litestar adds 'Vary: Origin' only where it echoes an allowed Origin: say it on every answer
app = Litestar(route_handlers=[items], cors_config=cors_config,
               response_headers=[ResponseHeader(name="Vary", value="Origin")])
