"""Django settings: a wildcard written into the exact origin list."""

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

# CORS_ALLOWED_ORIGINS compares scheme and host as written: '*' is no
# wildcard here, so no subdomain ever gets in (and Django's check says nothing).
CORS_ALLOWED_ORIGINS = [
    "https://example.com",
    "https://*.example.com",  # expect: CORS101
]
CORS_PREFLIGHT_MAX_AGE = 600
