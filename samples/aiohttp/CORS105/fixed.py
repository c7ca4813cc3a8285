"""aiohttp API: aiohttp-cors limited to the front-end origins, with cookies."""

import aiohttp_cors
from aiohttp import web


async def items(request):
    return web.json_response({"items": []})


async def vary_on_origin(request, response):
    # aiohttp-cors sends no Vary: without it a shared cache hands one origin's answer to another.
    response.headers.add("Vary", "Origin")


app = web.Application()
app.on_response_prepare.append(vary_on_origin)

options = aiohttp_cors.ResourceOptions(allow_credentials=True, allow_headers=("Content-Type",), max_age=600)
cors = aiohttp_cors.setup(app, defaults={
    "https://app.example.com": options,
    "https://admin.example.com": options,
})
cors.add(app.router.add_get("/api/items", items))
