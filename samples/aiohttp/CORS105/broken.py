"""aiohttp API: aiohttp-cors's "all origins, all features" defaults, with cookies."""

import aiohttp_cors
from aiohttp import web


async def items(request):
    return web.json_response({"items": []})


async def vary_on_origin(request, response):
    response.headers.add("Vary", "Origin")


app = web.Application()
app.on_response_prepare.append(vary_on_origin)

# aiohttp-cors answers with the request's own Origin, never '*': the "*" key
# with allow_credentials=True lets every site read logged-in users' answers.
cors = aiohttp_cors.setup(app, defaults={
    "*": aiohttp_cors.ResourceOptions(  # expect: CORS105
        allow_credentials=True,
        allow_headers="*",
        max_age=600,
    ),
})
cors.add(app.router.add_get("/api/items", items))
