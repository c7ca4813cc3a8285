"""Django settings: an origin regex with no end anchor."""

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

# re.match anchors at the start only: https://app.example.com.evil.example matches.
CORS_ALLOWED_ORIGIN_REGEXES = [
    r"^https://app\.example\.com",  # expect: CORS106
]
CORS_ALLOW_CREDENTIALS = True
CORS_PREFLIGHT_MAX_AGE = 600
