"""FastAPI app: CORSMiddleware allowing every origin, with cookies."""

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

app = FastAPI()

# With allow_credentials=True, Starlette answers '*' by echoing the caller's
# Origin, on simple requests and preflights alike.
app.add_middleware(
    CORSMiddleware,
    allow_origins=["*"],  # expect: CORS105
    allow_credentials=True,
    allow_methods=["GET", "POST"],
    allow_headers=["Content-Type"],
)


@app.get("/api/items")
def items():
    return {"items": []}
