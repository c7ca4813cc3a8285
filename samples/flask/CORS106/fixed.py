"""Flask API: the Flask-CORS origin regex anchored at both ends."""

from flask import Flask, jsonify
from flask_cors import CORS

app = Flask(__name__)

CORS(
    app,
    origins=[
        r"^https://(app|admin)\.example\.com$",
    ],
    max_age=600,
)


@app.after_request
def vary_on_origin(response):
    response.vary.add("Origin")
    return response


@app.route("/api/items")
def items():
    return jsonify(items=[])
