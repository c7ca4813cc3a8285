"""Sanic app: Sanic-CORS with credentials and origins left to its default."""

from sanic import Sanic, response
from sanic_cors import CORS

app = Sanic("items_api")

# origins defaults to '*', which Sanic-CORS answers by echoing the caller's
# Origin (send_wildcard is off), with Access-Control-Allow-Credentials: true.
CORS(app, supports_credentials=True, methods=["GET", "POST"])  # expect: CORS105


@app.route("/api/items", methods=["GET", "POST"])
async def items(request):
    return response.json({"items": []})
