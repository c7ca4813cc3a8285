"""Sanic app: Sanic-CORS with a regex for the company's subdomains."""

from sanic import Sanic, response
from sanic_cors import CORS

app = Sanic("items_api")

# Sanic-CORS tries regex origins with re.match, anchored at the start only
# (CVE-2026-37737): https://app.example.com.evil.example fits too.
CORS(app, origins=[r"https://[a-z0-9-]+\.example\.com"], supports_credentials=True)  # expect: CORS106


@app.on_response
async def vary_on_origin(request, resp):
    resp.headers["Vary"] = "Origin"


@app.route("/api/items", methods=["GET", "POST"])
async def items(request):
    return response.json({"items": []})
