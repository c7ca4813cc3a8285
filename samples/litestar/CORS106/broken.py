"""Litestar app: a glob origin entry meant for the company's subdomains."""

from litestar import Litestar, get
from litestar.config.cors import CORSConfig
from litestar.datastructures import ResponseHeader


@get("/api/items")
async def items() -> dict[str, list[str]]:
    return {"items": []}


# Litestar turns '*' into '.*' and fullmatches: https://notexample.com fits too.
cors_config = CORSConfig(
    allow_origins=["https://*example.com"],  # expect: CORS106
    allow_credentials=True,
)
app = Litestar(route_handlers=[items], cors_config=cors_config,
               response_headers=[ResponseHeader(name="Vary", value="Origin")])
