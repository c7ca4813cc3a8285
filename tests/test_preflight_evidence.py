"""PreflightEvidence (checks/_base.py): the preflight answer CORS307 and
CORS308 quote for an emission must be the first one, in model order, that
sends it, whether it is found in the emission's own first route or by the
scan over every route it falls back to."""

from pathlib import Path

import pytest

from corslint.checks._base import PreflightEvidence, all_emissions, preflight_answers
from corslint.lint import lint

FIXTURES = Path(__file__).parent / "fixtures"
LISTS = ("access-control-allow-methods", "access-control-allow-headers")
CONFIGS = sorted(p for frontend in ("nginx", "apache") for p in (FIXTURES / frontend).rglob("*")
                 if p.is_file())


def _first_senders(model, lname):
    """The plain definition: every preflight answer in order, the first per key."""
    first = {}
    for route, origin, ans in preflight_answers(model):
        for h, text in ans.sent:
            if h.lname == lname:
                first.setdefault((h.source, h.raw, text), (route, origin, ans))
    return first


def _lookups(path):
    """(expected, found, the emission's first route) for every literal value
    of an Allow-Methods / Allow-Headers emission in one config."""
    model = lint([str(path)], codes=["CORS307"]).model
    for lname in LISTS:
        first = _first_senders(model, lname)
        evidence = PreflightEvidence(model, lname)
        for route, h in all_emissions(model, lname):
            for alt in h.value.alternatives():
                if alt.literal_text is not None:
                    yield (first.get((h.source, h.raw, alt.literal_text)),
                           evidence.get(h, alt.literal_text, route), route)


def _same(a, b):
    return a is b or (a is not None and b is not None and a[0] is b[0] and a[1] == b[1] and a[2] is b[2])


def test_evidence_is_the_first_sender_on_every_fixture():
    own = elsewhere = 0
    for path in CONFIGS:
        for expected, got, route in _lookups(path):
            assert _same(expected, got), path
            if expected is not None:
                own += expected[0] is route
                elsewhere += expected[0] is not route
    # both ways of finding it are exercised
    assert own > 50 and elsewhere >= 1


@pytest.mark.parametrize("name", ["CORS305/lowercase_patch.conf", "CORS307/valid_lists_fp.conf"])
def test_evidence_from_a_later_route(name):
    """A server-level Allow-Methods first appears in /api/, whose preflight
    branch sends its own list instead: the answer sending it comes from the
    server's requests outside any location, a later route."""
    later = [(e, g) for e, g, route in _lookups(FIXTURES / "nginx" / name)
             if e is not None and e[0] is not route]
    assert later and all(_same(e, g) for e, g in later)


def test_evidence_matches_the_text_sent(tmp_path):
    """One emission, two texts by origin: each text's evidence is an answer
    that sends that text, for the origin that gets it."""
    conf = tmp_path / "nginx.conf"
    conf.write_text(
        "map $http_origin $acam {\n"
        '    default "GET, PUT";\n'
        '    "https://b.example.com" "GET;PUT";\n'
        "}\n"
        "server {\n"
        "    listen 80;\n"
        "    server_name api.example.com;\n"
        "    location / {\n"
        "        if ($request_method = OPTIONS) {\n"
        '            add_header Access-Control-Allow-Origin "$http_origin" always;\n'
        "            add_header Access-Control-Allow-Methods $acam always;\n"
        "            return 204;\n"
        "        }\n"
        "    }\n"
        "}\n")
    found = {}
    for expected, got, _ in _lookups(conf):
        assert _same(expected, got)
        if got is not None:
            found[got[1]] = got
    assert "https://b.example.com" in found and len(found) >= 2


# ---------------------------------------------------------------- routes never preflighted


def _routes(tmp_path, text, name="site.conf"):
    conf = tmp_path / name
    conf.write_text(text)
    return {r.path: r for r in lint([str(conf)], codes=["CORS306"]).model.routes}


NGINX_PURPOSE = """
server {
    listen 80;
    server_name api.example.com;
    proxy_set_header Upgrade $http_upgrade;
    add_header Access-Control-Allow-Origin "https://app.example.com" always;
    add_header Access-Control-Allow-Headers "Authorization, X-Request-Id" always;
    location /live/ {
        proxy_pass http://127.0.0.1:9001;
    }
    location / {
        proxy_pass http://127.0.0.1:5000;
    }
    location /api/ {
        proxy_set_header Host $host;
        proxy_pass http://127.0.0.1:9000;
    }
    location /socket/ {
        proxy_set_header Connection "upgrade";
        proxy_pass http://127.0.0.1:9001;
    }
    location ~ ^/(docs|redoc)/ {
        root /var/www;
    }
    location /documents/ {
        root /var/www;
    }
    location /swagger-ui.html {
        root /var/www;
    }
    location = /openapi.json {
        root /var/www;
    }
}
"""


def test_nginx_frontend_says_which_routes_are_never_preflighted(tmp_path):
    from corslint.frontends._purpose import DOCUMENTATION, WEBSOCKET
    routes = _routes(tmp_path, NGINX_PURPOSE)
    # proxy_set_header is inherited only where a location sets none of its own
    assert routes["/live/"].never_preflighted == WEBSOCKET
    # forwarding the upgrade is also the stock setup for a whole application
    # (Kestrel, Node behind `location /`): its scripts' requests are preflighted
    assert routes["/"].never_preflighted == ""
    assert routes["/api/"].never_preflighted == ""
    assert routes["/socket/"].never_preflighted == WEBSOCKET
    assert routes["~ ^/(docs|redoc)/"].never_preflighted == DOCUMENTATION
    assert routes["/swagger-ui.html"].never_preflighted == DOCUMENTATION
    assert routes["= /openapi.json"].never_preflighted == DOCUMENTATION
    assert routes["/documents/"].never_preflighted == ""


def test_apache_frontend_says_a_ws_proxy_is_never_preflighted(tmp_path):
    from corslint.frontends._purpose import WEBSOCKET
    routes = _routes(tmp_path, (
        "<VirtualHost *:80>\n"
        "    ServerName api.example.com\n"
        '    Header always set Access-Control-Allow-Origin "*"\n'
        "    ProxyPass /socket/ ws://127.0.0.1:9001/socket/\n"
        "    ProxyPass /api/ http://127.0.0.1:9000/api/\n"
        "</VirtualHost>\n"), "site.conf")
    assert routes["/socket/"].never_preflighted == WEBSOCKET
    assert routes["/api/"].never_preflighted == ""


def test_never_preflighted_routes_keep_only_what_their_own_config_shows(tmp_path):
    """Lists set for other requests and the Authorization guess are dropped;
    a header the route's own config reads, and methods it handles, stay."""
    from corslint.checks._preflight import expects_preflight, needed_headers, needed_methods
    routes = _routes(tmp_path, """
server {
    listen 80;
    server_name api.example.com;
    add_header Access-Control-Allow-Origin "https://app.example.com" always;
    add_header Access-Control-Allow-Headers "Authorization, X-Request-Id" always;
    add_header Access-Control-Allow-Methods "GET, PUT" always;
    location /docs/ {
        auth_basic "docs";
        auth_basic_user_file /etc/nginx/htpasswd;
        root /var/www;
    }
    location /docs/api/ {
        if ($http_x_api_key = "") {
            return 403;
        }
        root /var/www;
    }
    location /data/ {
        auth_basic "data";
        auth_basic_user_file /etc/nginx/htpasswd;
        root /var/www;
    }
}
""")
    docs, keyed, data = routes["/docs/"], routes["/docs/api/"], routes["/data/"]
    assert needed_headers(docs) == [] and needed_methods(docs) == []
    assert not expects_preflight(docs)
    assert [n.name for n in needed_headers(keyed)] == ["X-Api-Key"] and expects_preflight(keyed)
    assert [n.name for n in needed_headers(data)] == ["Authorization", "X-Request-Id"]
    assert [n.name for n in needed_methods(data)] == ["PUT"] and expects_preflight(data)
