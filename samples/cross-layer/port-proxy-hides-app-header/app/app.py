"""Flask API behind nginx: Flask-CORS answers preflights and sends the CORS headers."""

from flask import Flask, jsonify
from flask_cors import CORS

app = Flask(__name__)
CORS(app, origins=["https://app.example.com"])


@app.after_request
def vary_on_origin(response):
    # Flask-CORS adds Vary only to the answers it lets through; caches need it on all.
    response.vary.add("Origin")
    return response


@app.route("/api/items", methods=["GET", "POST"])
def items():
    return jsonify(items=[])


if __name__ == "__main__":
    app.run(host="127.0.0.1", port=5000)
