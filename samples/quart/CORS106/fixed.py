"""Quart app: Quart-CORS with a pattern anchored at both ends."""

import re

from quart import Quart
from quart_cors import cors

app = Quart(__name__)

app = cors(
    app,
    allow_origin=[re.compile(r"https://[a-z0-9-]+\.example\.com$")],
    allow_credentials=True,
)


@app.route("/api/items", methods=["GET", "POST"])
async def items():
    return {"items": []}
