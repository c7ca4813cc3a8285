"""FastAPI app: an origin regex that forgets the dot before the domain."""

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

app = FastAPI()

# re.fullmatch: 'https://.*example\.com' also matches https://evilexample.com.
app.add_middleware(
    CORSMiddleware,
    allow_origin_regex=r"https://.*example\.com",  # expect: CORS106
    allow_methods=["GET"],
)


@app.get("/api/items")
def items():
    return {"items": []}
