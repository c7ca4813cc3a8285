"""Quart app: Quart-CORS with cookies for the sites it names."""

from quart import Quart
from quart_cors import cors

app = Quart(__name__)
# With credentials, name the origins: Quart-CORS echoes the one that matched.
app = cors(app, allow_origin=["https://app.example.com"], allow_credentials=True)


@app.route("/api/items", methods=["GET", "POST"])
async def items():
    return {"items": []}
