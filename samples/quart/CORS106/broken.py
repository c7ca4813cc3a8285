"""Quart app: Quart-CORS with a compiled pattern for the company's subdomains."""

import re

from quart import Quart
from quart_cors import cors

app = Quart(__name__)

# Quart-CORS tries a compiled pattern with Pattern.match: anchored at the
# start only, so https://app.example.com.evil.example fits too.
app = cors(
    app,
    allow_origin=[re.compile(r"https://[a-z0-9-]+\.example\.com")],  # expect: CORS106
    allow_credentials=True,
)


@app.route("/api/items", methods=["GET", "POST"])
async def items():
    return {"items": []}
