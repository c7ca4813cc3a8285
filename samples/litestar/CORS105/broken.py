"""Litestar app: CORSConfig with credentials and allow_origins left to its default."""

from litestar import Litestar, get
from litestar.config.cors import CORSConfig


@get("/api/items")
async def items() -> dict[str, list[str]]:
    return {"items": []}


# allow_origins defaults to ["*"]: Litestar answers '*', but echoes the
# caller's Origin to every request that carries cookies, with credentials.
cors_config = CORSConfig(  # expect: CORS105
    allow_credentials=True,
    allow_methods=["GET", "POST"],
    allow_headers=["Content-Type"],
)
app = Litestar(route_handlers=[items], cors_config=cors_config)
