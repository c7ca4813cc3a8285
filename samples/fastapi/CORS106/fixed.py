"""FastAPI app: subdomains let in by a regex that requires the dot."""

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

app = FastAPI()

app.add_middleware(
    CORSMiddleware,
    allow_origin_regex=r"https://([a-z0-9-]+\.)?example\.com",
    allow_methods=["GET"],
)


@app.get("/api/items")
def items():
    return {"items": []}
