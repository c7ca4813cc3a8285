"""Quart app: one view opened to the front end only."""

from quart import Quart
from quart_cors import route_cors

app = Quart(__name__)


@app.route("/api/items", methods=["GET", "POST"])
@route_cors(allow_origin=["https://app.example.com"], allow_credentials=True)
async def items():
    return {"items": []}
