"""Quart app: one view opened to the front end and to local files ('null')."""

from quart import Quart
from quart_cors import route_cors

app = Quart(__name__)


@app.route("/api/items", methods=["GET", "POST"])
@route_cors(
    allow_origin=[
        "https://app.example.com",
        "null",  # expect: CORS104
    ],
    allow_credentials=True,
)
async def items():
    return {"items": []}
