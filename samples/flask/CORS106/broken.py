"""Flask API: a Flask-CORS origin regex with no end anchor."""

from flask import Flask, jsonify
from flask_cors import CORS

app = Flask(__name__)

# '\' makes the entry a regex, tried with re.match (anchored at the start
# only): https://app.example.com.evil.example matches it.
CORS(
    app,
    origins=[
        r"https://app\.example\.com",  # expect: CORS106
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
