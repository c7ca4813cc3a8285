"""Flask API: Flask-CORS limited to the front-end origins, with cookies."""

from flask import Flask, jsonify
from flask_cors import CORS

app = Flask(__name__)

CORS(
    app,
    origins=["https://app.example.com", "https://admin.example.com"],
    supports_credentials=True,
    max_age=600,
)


@app.after_request
def vary_on_origin(response):
    # Flask-CORS adds Vary only to the answers it lets through; caches need it on all.
    response.vary.add("Origin")
    return response


@app.route("/api/items", methods=["GET", "POST"])
def items():
    return jsonify(items=[])
