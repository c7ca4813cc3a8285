"""Quart app: Quart-CORS allowing the front end, written with a trailing slash."""

from quart import Quart
from quart_cors import cors

app = Quart(__name__)
# Quart-CORS compares a string entry exactly with the Origin, which never ends in '/'.
app = cors(
    app,
    allow_origin=["https://app.example.com/"],  # expect: CORS101
    allow_credentials=True,
)


@app.route("/api/items", methods=["GET", "POST"])
async def items():
    return {"items": []}
