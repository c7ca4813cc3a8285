"""Django settings: the origin regex anchored at both ends."""

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

CORS_ALLOWED_ORIGIN_REGEXES = [
    r"^https://app\.example\.com$",
]
CORS_ALLOW_CREDENTIALS = True
CORS_PREFLIGHT_MAX_AGE = 600
