"""The request path a finding names for a regex location is one the location's
regex matches (scenarios.example_path, regexlang.witness): checked with the
regex itself and, where nginx is installed, by nginx choosing that location."""

from __future__ import annotations

import re

import pytest

from corslint.frontends.apache.targets import example_url_for_regex
from corslint.regexlang import pcre_to_python, witness
from corslint.scenarios import example_path
from test_nginx_reach import live_nginx  # noqa: F401  (the fixture)

LOCATIONS = [
    # jitsi-meet's doc/debian/jitsi-meet/jitsi-meet.example (Apache-2.0)
    ("~", r"^/(libs|css|static|images|fonts|lang|sounds|connection_optimization|.well-known)/(.*)$", "/libs/x"),
    ("~*", r"\.(eot|otf|ttf|woff2?)$", "/x.eot"),
    ("~", r"^/api/v[0-9]+/(?<rest>.*)$", "/api/v0/x"),
    ("~", r"^/assets/.+\.(css|js)$", "/assets/x.css"),
    ("~", r"^/[^/]+/data$", "/x/data"),
    ("~", r"^/(?:a|b)/\d{2,4}$", "/a/00"),
    ("~*", r"^/UPLOADS/", "/UPLOADS/"),
    ("~", r"/$", "/"),
]


@pytest.mark.parametrize("op,regex,path", LOCATIONS, ids=[r for _, r, _ in LOCATIONS])
def test_example_path_is_matched_by_the_location_regex(op, regex, path):
    got = example_path(f"{op} {regex}")
    assert got == path
    assert re.search(pcre_to_python(regex), got, re.IGNORECASE if op == "~*" else 0)


def test_a_regex_no_request_path_can_match_gives_the_root():
    # the URI nginx matches always starts with "/"
    assert example_path("~ ^api/") == "/"
    assert witness("^api/", start="/") is None


def test_apache_regex_sections_use_the_same_witness():
    assert example_url_for_regex(r"^/(libs|css)/(.*)$") == "/libs/x"
    assert example_url_for_regex(r"^/files/(?<name>[a-z]+)\.json$") == "/files/x.json"


def test_live_nginx_chooses_the_location_for_its_example_path(live_nginx):  # noqa: F811
    locations = "".join(f"    location {op} \"{regex}\" {{ add_header X-Hit {i} always; return 204; }}\n"
                        for i, (op, regex, _) in enumerate(LOCATIONS))
    server = live_nginx("server {\n    listen 80;\n" + locations + "    location / { return 404; }\n}\n")
    for i, (op, regex, _) in enumerate(LOCATIONS):
        path = example_path(f"{op} {regex}")
        status, headers = server.get(path)
        assert (status, headers.get("x-hit")) == (204, str(i)), (regex, path)
