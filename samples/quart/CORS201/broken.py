"""Quart app: Quart-CORS with cookies and its default origin '*'."""

from quart import Quart
from quart_cors import cors

app = Quart(__name__)
# Quart-CORS refuses '*' (the default allow_origin) with credentials: it raises
# on every response, and Quart answers every request with 500.
app = cors(app, allow_credentials=True)  # expect: CORS201


@app.route("/api/items", methods=["GET", "POST"])
async def items():
    return {"items": []}
