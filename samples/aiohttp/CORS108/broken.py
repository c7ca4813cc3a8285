"""aiohttp API: two front-end origins, answered without Vary: Origin."""

import aiohttp_cors
from aiohttp import web


async def items(request):
    return web.json_response({"items": []})


app = web.Application()

# aiohttp-cors echoes the listed origin but never sends Vary: a shared cache
# stores the answer made for one origin and hands it to the other, whose
# browser then refuses it.
options = aiohttp_cors.ResourceOptions(allow_credentials=True, allow_headers=("Content-Type",), max_age=600)
cors = aiohttp_cors.setup(app, defaults={
    "https://app.example.com": options,  # expect: CORS108
    "https://admin.example.com": options,
})
cors.add(app.router.add_get("/api/items", items))
