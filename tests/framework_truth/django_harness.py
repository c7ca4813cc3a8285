"""Runs one Django settings sample with the real django-cors-headers and prints
the answers to the requests given on the command line (JSON).

Django's settings can be configured once per process, so the truth tests run
this script in a subprocess per sample:
    python django_harness.py SETTINGS.py '[{"method": "GET", "origin": "..."}, ...]'
"""

import importlib.util
import json
import sys

import django
from django.conf import settings
from django.http import HttpResponse
from django.urls import path

urlpatterns = [path("api/items/", lambda request: HttpResponse("{}", content_type="application/json")),
               path("other/", lambda request: HttpResponse("{}", content_type="application/json"))]


def main() -> None:
    sample, requests = sys.argv[1], json.loads(sys.argv[2])
    spec = importlib.util.spec_from_file_location("sample_settings", sample)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    conf = {k: getattr(module, k) for k in dir(module) if k.isupper()}
    conf.update(ROOT_URLCONF="__main__", ALLOWED_HOSTS=["testserver"], DATABASES={})
    conf.setdefault("SECRET_KEY", "truth-test")
    # a settings fragment (a fixture) still runs behind the middleware
    apps = list(conf.get("INSTALLED_APPS", []))
    if "corsheaders" not in apps:
        conf["INSTALLED_APPS"] = apps + ["corsheaders"]
    middleware = list(conf.get("MIDDLEWARE", []))
    if "corsheaders.middleware.CorsMiddleware" not in middleware:
        conf["MIDDLEWARE"] = ["corsheaders.middleware.CorsMiddleware"] + middleware
    settings.configure(**conf)
    django.setup()
    from django.core import checks
    from django.test import Client

    client = Client()
    answers = []
    for req in requests:
        extra = {}
        if req.get("origin") is not None:
            extra["HTTP_ORIGIN"] = req["origin"]
        if req.get("preflight"):
            extra["HTTP_ACCESS_CONTROL_REQUEST_METHOD"] = req.get("request_method", "GET")
            if req.get("request_headers"):
                extra["HTTP_ACCESS_CONTROL_REQUEST_HEADERS"] = req["request_headers"]
        response = client.generic(req["method"], req.get("path", "/api/items/"), **extra)
        headers: dict[str, list[str]] = {}
        for name, value in response.headers.items():
            headers.setdefault(name.lower(), []).append(value)
        answers.append({"status": response.status_code, "headers": headers})
    errors = [m.id for m in checks.run_checks() if m.is_serious()]
    print(json.dumps({"answers": answers, "check_errors": errors}))


if __name__ == "__main__":
    main()
