"""Django settings: subdomains let in by an anchored regex."""

SECRET_KEY = "sample-not-secret"
DEBUG = False
ALLOWED_HOSTS = ["api.example.com"]

INSTALLED_APPS = [
    "django.contrib.contenttypes",
    "corsheaders",
]
MIDDLEWARE = [
    "corsheaders.middleware.CorsMiddleware",
    "django.middleware.common.CommonMiddleware",
]
ROOT_URLCONF = "api.urls"

CORS_ALLOWED_ORIGINS = [
    "https://example.com",
]
CORS_ALLOWED_ORIGIN_REGEXES = [
    r"^https://[a-z0-9-]+\.example\.com$",
]
CORS_PREFLIGHT_MAX_AGE = 600
