"""Quart app: Quart-CORS allowing the front end, its origin written exactly."""

from quart import Quart
from quart_cors import cors

app = Quart(__name__)
# An origin is scheme://host[:port], never with a path or a trailing '/'.
app = cors(app, allow_origin=["https://app.example.com"], allow_credentials=True)


@app.route("/api/items", methods=["GET", "POST"])
async def items():
    return {"items": []}
