"""Django settings: every origin let in, with cookies (django-cors-headers)."""

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

# With credentials, "allow all" echoes the caller's Origin: any site reads
# logged-in users' answers.
CORS_ALLOW_ALL_ORIGINS = True  # expect: CORS105
CORS_ALLOW_CREDENTIALS = True
CORS_PREFLIGHT_MAX_AGE = 600
