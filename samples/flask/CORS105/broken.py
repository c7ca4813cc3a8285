"""Flask API: Flask-CORS with its default origins ('*') and cookies."""

from flask import Flask, jsonify
from flask_cors import CORS

app = Flask(__name__)

# origins defaults to '*', and with send_wildcard=False Flask-CORS echoes
# whatever Origin arrives: every site reads logged-in users' answers.
CORS(app, supports_credentials=True, max_age=600)  # expect: CORS105


@app.route("/api/items", methods=["GET", "POST"])
def items():
    return jsonify(items=[])
