"""Sanic app: Sanic-CORS limited to the front-end origins, with credentials."""

from sanic import Sanic, response
from sanic_cors import CORS

app = Sanic("items_api")

# Two origins: Sanic-CORS adds 'Vary: Origin' to the answers that carry one;
# the response middleware below says it on every answer.
CORS(app, origins=["https://app.example.com", "https://admin.example.com"], supports_credentials=True,
     methods=["GET", "POST"])


@app.on_response
async def vary_on_origin(request, resp):
    resp.headers["Vary"] = "Origin"


@app.route("/api/items", methods=["GET", "POST"])
async def items(request):
    return response.json({"items": []})
