"""Sanic app: Sanic-CORS with a regex anchored at both ends."""

from sanic import Sanic, response
from sanic_cors import CORS

app = Sanic("items_api")

CORS(app, origins=[r"^https://[a-z0-9-]+\.example\.com$"], supports_credentials=True)


@app.on_response
async def vary_on_origin(request, resp):
    resp.headers["Vary"] = "Origin"


@app.route("/api/items", methods=["GET", "POST"])
async def items(request):
    return response.json({"items": []})
