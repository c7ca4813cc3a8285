"""``corslint explain "<pasted console text>"``.

One test per row of the observed-browser table (shared/BROWSER_MESSAGES.md),
for Chrome's and Firefox's wording, with other URLs, origins, methods and
headers than the table's; every text the engine's catalogue can produce; every
row of the documented error table; ``--config``; unknown text.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from corslint import cli
from corslint.engine import CATALOGUE, CorsRequest, Failure, FailureKind
from corslint.explain import explain_text
from corslint.lint import lint

ROOT = Path(__file__).resolve().parent.parent

API = "https://api.payments.test:8443/v1/charges?limit=5"
PAGE = "https://checkout.shop.test"
PATH = "/v1/charges"

CHROME = "Access to fetch at '{url}' from origin '{origin}' has been blocked by CORS policy: {reason}"
CHROME_XHR = ("Access to XMLHttpRequest at '{url}' from origin '{origin}' has been blocked by CORS "
              "policy: {reason}")
PREFLIGHT = "Response to preflight request doesn't pass access control check: "
FIREFOX = ("Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote "
           "resource at {url}. (Reason: {reason}). Status code: {status}.")
FF_CLOSING = ("Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote "
              "resource at {url}. (Reason: CORS request did not succeed). Status code: (null).")


def chrome(reason: str, url: str = API, origin: str = PAGE, xhr: bool = False) -> str:
    return (CHROME_XHR if xhr else CHROME).format(url=url, origin=origin, reason=reason)


def firefox(reason: str, status: int | str, url: str = API, preflight: bool = False) -> str:
    text = FIREFOX.format(url=url, reason=reason, status=status)
    if preflight:
        text += "\n" + FF_CLOSING.format(url=url)
    return text


def explain_json(*args: str, input: str | None = None):
    result = CliRunner().invoke(cli.main, ["explain", "--format", "json", *args], input=input)
    data = json.loads(result.stdout) if result.exit_code in (0, 1) else None
    return result, data


def codes_of(data: dict) -> list[str]:
    return [c["code"] for c in data["messages"][0]["causes"]]


# ---------------------------------------------------------------- BROWSER_MESSAGES.md, row by row
#
# (row, text, first code expected, codes that must be listed, value the browser quoted)

ROWS = [
    # no ACAO on the actual response
    ("no-acao", chrome("No 'Access-Control-Allow-Origin' header is present on the requested "
                       "resource. If an opaque response serves your needs, set the request's "
                       "mode to 'no-cors' to fetch the resource with CORS disabled."),
     None, {"CORS401", "CORS402"}, None),
    ("no-acao", firefox("CORS header ‘Access-Control-Allow-Origin’ missing", 200),
     "CORS401", {"CORS401", "CORS402"}, None),
    # ACAO * with credentials include
    ("wildcard-credentials",
     chrome("The value of the 'Access-Control-Allow-Origin' header in the response must not be "
            "the wildcard '*' when the request's credentials mode is 'include'. The credentials "
            "mode of requests initiated by the XMLHttpRequest is controlled by the "
            "withCredentials attribute.", xhr=True),
     "CORS201", {"CORS201"}, None),
    ("wildcard-credentials",
     firefox("Credential is not supported if the CORS header ‘Access-Control-Allow-Origin’ is ‘*’", 200),
     "CORS201", {"CORS201"}, None),
    # two ACAO headers
    ("two-acao-headers",
     chrome("The 'Access-Control-Allow-Origin' header contains multiple values "
            "'https://checkout.shop.test, *', but only one is allowed. Have the server send the "
            "header with a valid value."),
     "CORS103", {"CORS103", "CORS102"}, "https://checkout.shop.test, *"),
    ("two-acao-headers",
     firefox("Multiple CORS header ‘Access-Control-Allow-Origin’ not allowed", 200),
     "CORS103", {"CORS103"}, None),
    # one ACAO holding two origins
    ("two-origins-in-one",
     chrome("The 'Access-Control-Allow-Origin' header contains multiple values "
            "'https://checkout.shop.test https://admin.shop.test', but only one is allowed. Have "
            "the server send the header with a valid value."),
     None, {"CORS102", "CORS103"}, "https://checkout.shop.test https://admin.shop.test"),
    ("two-origins-in-one",
     firefox("CORS header ‘Access-Control-Allow-Origin’ does not match "
             "‘https://checkout.shop.test, https://admin.shop.test’", 200),
     "CORS102", {"CORS102"}, "https://checkout.shop.test, https://admin.shop.test"),
    # ACAO with a trailing slash
    ("trailing-slash",
     chrome("The 'Access-Control-Allow-Origin' header has a value 'https://checkout.shop.test/' "
            "that is not equal to the supplied origin. Have the server send the header with a "
            "valid value."),
     "CORS101", {"CORS101"}, "https://checkout.shop.test/"),
    ("trailing-slash",
     firefox("CORS header ‘Access-Control-Allow-Origin’ does not match ‘https://checkout.shop.test/’", 200),
     "CORS101", {"CORS101"}, "https://checkout.shop.test/"),
    # ACAC True with credentials
    ("credentials-True",
     chrome("The value of the 'Access-Control-Allow-Credentials' header in the response is 'TRUE' "
            "which must be 'true' when the request's credentials mode is 'include'."),
     "CORS202", {"CORS202"}, "TRUE"),
    ("credentials-True",
     firefox("expected ‘true’ in CORS header ‘Access-Control-Allow-Credentials’", 200),
     "CORS202", {"CORS202", "CORS204"}, None),
    # preflight: method missing from Allow-Methods
    ("method-missing",
     chrome("Method DELETE is not allowed by Access-Control-Allow-Methods in preflight response."),
     "CORS305", {"CORS305", "CORS203"}, "DELETE"),
    ("method-missing",
     firefox("Did not find method in CORS header ‘Access-Control-Allow-Methods’", 204, preflight=True),
     "CORS305", {"CORS305"}, None),
    # preflight: header missing from Allow-Headers
    ("header-missing",
     chrome("Request header field x-api-key is not allowed by Access-Control-Allow-Headers in "
            "preflight response."),
     "CORS306", {"CORS306", "CORS203"}, "x-api-key"),
    ("header-missing",
     firefox("header ‘x-api-key’ is not allowed according to header "
             "‘Access-Control-Allow-Headers’ from CORS preflight response", 204, preflight=True),
     "CORS306", {"CORS306"}, "x-api-key"),
    # OPTIONS answered 301
    ("options-301",
     chrome(PREFLIGHT + "Redirect is not allowed for a preflight request."),
     "CORS303", {"CORS303"}, None),
    ("options-301",
     firefox("CORS request external redirect not allowed", 308)
     + "\n" + firefox("CORS preflight response did not succeed", 308, preflight=True),
     "CORS303", {"CORS303"}, None),
    ("options-301-bare",
     firefox("CORS header ‘Access-Control-Allow-Origin’ missing", 302, preflight=True),
     "CORS303", {"CORS303"}, None),
    # OPTIONS answered 401 / 405 / 403 with CORS headers on the error
    ("options-error-status",
     chrome(PREFLIGHT + "It does not have HTTP ok status.") + f"\nOPTIONS {API} net::ERR_FAILED 401 (Unauthorized)",
     "CORS302", {"CORS302", "CORS301"}, None),
    ("options-error-status",
     firefox("CORS preflight response did not succeed", 401, preflight=True),
     "CORS302", {"CORS302"}, None),
    ("options-error-status",
     chrome(PREFLIGHT + "It does not have HTTP ok status."),
     "CORS301", {"CORS301", "CORS302"}, None),
    ("options-error-status",
     firefox("CORS preflight response did not succeed", 405, preflight=True),
     "CORS301", {"CORS301"}, None),
    ("options-error-status",
     firefox("CORS preflight channel did not succeed", 403, preflight=True),
     "CORS301", {"CORS301"}, None),
    # the same without `always`: the error carries no ACAO
    ("options-error-no-always",
     chrome(PREFLIGHT + "No 'Access-Control-Allow-Origin' header is present on the requested resource."),
     None, {"CORS301", "CORS302", "CORS402"}, None),
    ("options-error-no-always",
     firefox("CORS header ‘Access-Control-Allow-Origin’ missing", 401, preflight=True),
     "CORS302", {"CORS302", "CORS402"}, None),
    # add_header inside if ($request_method = OPTIONS) + return 204
    ("if-options-204",
     chrome(PREFLIGHT + "No 'Access-Control-Allow-Origin' header is present on the requested resource.",
            xhr=True),
     "CORS304", {"CORS304"}, None),
    ("if-options-204",
     firefox("CORS header ‘Access-Control-Allow-Origin’ missing", 204, preflight=True),
     "CORS304", {"CORS304"}, None),
    # add_header in a location while ACAO is only at server level
    ("inheritance",
     chrome("No 'Access-Control-Allow-Origin' header is present on the requested resource.",
            url="http://10.1.2.3:9000/reports/2024"),
     None, {"CORS401"}, None),
    ("inheritance",
     firefox("CORS header ‘Access-Control-Allow-Origin’ missing", 200, url="http://10.1.2.3:9000/reports/2024"),
     "CORS401", {"CORS401"}, None),
    # add_header without always, 404 or 500
    ("error-without-always",
     chrome("No 'Access-Control-Allow-Origin' header is present on the requested resource.")
     + f"\nGET {API} net::ERR_FAILED 404 (Not Found)",
     "CORS402", {"CORS402"}, None),
    ("error-without-always",
     firefox("CORS header ‘Access-Control-Allow-Origin’ missing", 500),
     "CORS402", {"CORS402"}, None),
]


def _row_id(row) -> str:
    name, text = row[0], row[1]
    return f"{name}-{'firefox' if text.startswith('Cross-Origin') else 'chrome'}"


def test_rows_cover_both_browsers_for_every_table_row():
    by_row: dict[str, set[str]] = {}
    for row in ROWS:
        by_row.setdefault(row[0].replace("-bare", ""), set()).add(_row_id(row).rsplit("-", 1)[1])
    assert len(by_row) == 14   # the table's rows where a browser blocks
    assert all(browsers == {"chrome", "firefox"} for browsers in by_row.values()), by_row


@pytest.mark.parametrize("row", ROWS, ids=_row_id)
def test_browser_messages_row(row):
    name, text, first, required, value = row
    result, data = explain_json(text)
    assert result.exit_code == 0, result.output
    assert len(data["messages"]) == 1, data["messages"]
    message = data["messages"][0]
    browser = "firefox" if text.startswith("Cross-Origin") else "chrome"
    assert message["browser"] == browser
    codes = codes_of(data)
    assert required <= set(codes), codes
    if first:
        assert codes[0] == first, codes
    if value is not None:
        assert message["value"] == value
    url = "http://10.1.2.3:9000/reports/2024" if "10.1.2.3" in text else API
    assert message["url"] == url
    if browser == "chrome":
        assert message["origin"] == PAGE
    assert message["look_for"] and message["fix"] and message["meaning"]
    assert message["config_related"] is True


def test_text_output_names_the_rules_and_the_fix():
    result = CliRunner().invoke(cli.main, [
        "explain", chrome(PREFLIGHT + "It does not have HTTP ok status.")
        + f"\nOPTIONS {API} net::ERR_FAILED 401 (Unauthorized)"])
    assert result.exit_code == 0
    out = result.stdout
    assert out.startswith("Chrome (preflight): Response to preflight request doesn't pass access "
                          "control check: It does not have HTTP ok status.")
    assert f"fetch {API} from origin {PAGE}, answered 401" in out
    causes = out[out.index("Caused by"):]
    assert causes.index("CORS302 preflight-requires-auth") < causes.index("CORS301 preflight-not-handled")
    assert f"Look for: what answers OPTIONS {PATH}" in out
    assert "\nFix: Answer OPTIONS yourself" in out


def test_firefox_preflight_closing_line_is_folded_into_its_message():
    text = firefox("CORS header ‘Access-Control-Allow-Origin’ missing", 204, preflight=True)
    result, data = explain_json(text)
    (message,) = data["messages"]
    assert message["preflight"] is True and message["status"] == "204"
    assert message["followed_by"] == [FF_CLOSING.format(url=API)]


def test_chrome_message_with_console_clutter():
    text = ("checkout.js:88 " + chrome("Method PATCH is not allowed by Access-Control-Allow-Methods "
                                        "in preflight response.")
            + f"\ncheckout.js:88  PATCH {API} net::ERR_FAILED\n"
            "Uncaught (in promise) TypeError: Failed to fetch\n    at pay (checkout.js:88:5)")
    result, data = explain_json(text)
    assert result.exit_code == 0
    (message,) = data["messages"]
    assert message["value"] == "PATCH" and codes_of(data)[0] == "CORS305"
    assert len(message["followed_by"]) == 2


def test_reason_alone_and_curly_or_straight_quotes():
    for text in ("CORS header 'Access-Control-Allow-Origin' does not match 'https://Shop.test'",
                 "(Reason: CORS header ‘Access-Control-Allow-Origin’ does not match ‘https://Shop.test’).",
                 "The 'Access-Control-Allow-Origin' header has a value 'https://Shop.test' that is "
                 "not equal to the supplied origin."):
        result, data = explain_json(text)
        assert result.exit_code == 0, text
        assert data["messages"][0]["value"] == "https://Shop.test"
        assert codes_of(data)[0] == "CORS101"
        assert any("uppercase" in n for n in data["messages"][0]["notes"])


def test_message_wrapped_over_lines():
    text = ("Access to fetch at 'https://api.shop.test/cart' from origin\n'https://shop.test' has "
            "been blocked by CORS policy: Response to preflight request\ndoesn't pass access "
            "control check: Redirect is not allowed for a preflight request.")
    result, data = explain_json(text)
    assert result.exit_code == 0
    assert codes_of(data) == ["CORS303", "CORS404"]


def test_other_origin_allowed_points_at_vary():
    result, data = explain_json(chrome("The 'Access-Control-Allow-Origin' header has a value "
                                       "'https://partner.shop.test' that is not equal to the "
                                       "supplied origin."))
    assert codes_of(data)[0] == "CORS108"
    assert any("allowlist does not contain https://checkout.shop.test" in n
               for n in data["messages"][0]["notes"])


def test_empty_credentials_value_points_at_inconsistent_credentials():
    result, data = explain_json(chrome(PREFLIGHT + "The value of the 'Access-Control-Allow-Credentials' "
                                       "header in the response is '' which must be 'true' when "
                                       "the request's credentials mode is 'include'."))
    assert data["messages"][0]["preflight"] is True
    assert codes_of(data)[0] == "CORS204"


def test_redirected_request_adds_cross_origin_redirect():
    text = ("Access to fetch at 'https://cdn.shop.test/img/1.png' (redirected from "
            "'https://api.shop.test/img/1.png') from origin 'https://shop.test' has been blocked "
            "by CORS policy: No 'Access-Control-Allow-Origin' header is present on the requested "
            "resource.")
    result, data = explain_json(text)
    message = data["messages"][0]
    assert message["redirected_from"] == "https://api.shop.test/img/1.png"
    assert "CORS403" in codes_of(data)


def test_devtools_and_mdn_names_are_recognised():
    for name, code in (("PreflightMissingAllowOriginHeader", "CORS304"),
                       ("CORSMultipleAllowOriginNotAllowed", "CORS103"),
                       ("https://developer.mozilla.org/docs/Web/HTTP/CORS/Errors/CORSNotSupportingCredentials",
                        "CORS201")):
        result, data = explain_json(name)
        assert result.exit_code == 0, name
        assert codes_of(data)[0] == code, name


# ---------------------------------------------------------------- errors no config causes


@pytest.mark.parametrize("text", [
    "Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at "
    "https://api.shop.test/x. (Reason: CORS disabled).",
    "Access to fetch at 'file:///home/me/data.json' from origin 'null' has been blocked by CORS "
    "policy: Cross origin requests are only supported for protocol schemes: chrome, data, http, "
    "https, isolated-app, chrome-untrusted.",
    "GET https://api.shop.test/x net::ERR_NAME_NOT_RESOLVED",
    "Access to fetch at 'http://192.168.1.20/api' from origin 'https://shop.test' has been blocked "
    "by CORS policy: The request client is not a secure context and the resource is in "
    "more-private address space `private`.",
    "TypeError: NetworkError when attempting to fetch resource.",
])
def test_known_errors_without_a_config_cause(text):
    result, data = explain_json(text)
    assert result.exit_code == 0, result.output
    (message,) = data["messages"]
    assert message["config_related"] is False
    assert data["codes"] == []
    text_out = CliRunner().invoke(cli.main, ["explain", text]).stdout
    assert "No corslint rule" in text_out


@pytest.mark.parametrize("text", [
    "hello world",
    "Uncaught TypeError: Cannot read properties of undefined (reading 'map')",
    "Refused to load the script 'https://cdn.test/a.js' because it violates the following Content "
    "Security Policy directive: \"script-src 'self'\".",
    "2024/05/01 10:00:00 [error] 12#12: *1 open() \"/var/www/favicon.ico\" failed (2: No such file "
    "or directory)",
    "Access to fetch at 'https://a.test/' from origin 'https://b.test' has been blocked by CORS "
    "policy: something no browser says.",
])
def test_unknown_text_exits_2(text):
    result = CliRunner().invoke(cli.main, ["explain", text])
    assert result.exit_code == 2
    assert "not a CORS message corslint knows" in result.stderr
    assert result.stdout == ""


def test_unknown_code_still_says_unknown_rule_code():
    result = CliRunner().invoke(cli.main, ["explain", "CORS999"])
    assert result.exit_code == 2
    assert "unknown rule code 'CORS999'" in result.stderr


def test_message_from_stdin():
    text = firefox("Multiple CORS header ‘Access-Control-Allow-Origin’ not allowed", 200)
    result, data = explain_json("-", input=text)
    assert result.exit_code == 0
    assert codes_of(data) == ["CORS103"]


# ---------------------------------------------------------------- the engine's catalogue

# What each failure kind is caused by, per rule_docs/browser-errors.md.
KIND_CODES = {
    "MISSING_ALLOW_ORIGIN": {"CORS401", "CORS402"},
    "WILDCARD_WITH_CREDENTIALS": {"CORS201"},
    "MULTIPLE_ALLOW_ORIGIN": {"CORS103"},
    "MULTIPLE_ORIGINS_IN_VALUE": {"CORS102"},
    "INVALID_ALLOW_ORIGIN_VALUE": {"CORS101"},
    "ALLOW_ORIGIN_MISMATCH": {"CORS101"},
    "INVALID_ALLOW_CREDENTIALS": {"CORS202"},
    "PREFLIGHT_MISSING_ALLOW_ORIGIN": {"CORS304"},
    "PREFLIGHT_INVALID_STATUS": {"CORS301", "CORS302"},
    "PREFLIGHT_REDIRECT": {"CORS303"},
    "INVALID_ALLOW_METHODS_TOKEN": {"CORS307"},
    "INVALID_ALLOW_HEADERS_TOKEN": {"CORS308"},
    "METHOD_NOT_ALLOWED": {"CORS305"},
    "HEADER_NOT_ALLOWED": {"CORS306"},
    "REDIRECT_CONTAINS_CREDENTIALS": {"CORS404"},
}
VALUES = {
    "MULTIPLE_ALLOW_ORIGIN": "https://checkout.shop.test, https://checkout.shop.test",
    "MULTIPLE_ORIGINS_IN_VALUE": "https://checkout.shop.test https://admin.shop.test",
    "INVALID_ALLOW_ORIGIN_VALUE": "checkout.shop.test",
    "ALLOW_ORIGIN_MISMATCH": "https://checkout.shop.test:443",
    "INVALID_ALLOW_CREDENTIALS": "yes",
    "INVALID_ALLOW_METHODS_TOKEN": "GET;",
    "INVALID_ALLOW_HEADERS_TOKEN": "X-A|X-B",
    "METHOD_NOT_ALLOWED": "PUT",
    "HEADER_NOT_ALLOWED": "authorization",
}
REQUESTS = [
    CorsRequest(url=API, origin=PAGE, method="PUT", credentials=True),
    CorsRequest(url="http://127.0.0.1:5000/graphql", origin="http://localhost:5173", api="xhr",
                method="POST", redirected_from="http://localhost:5000/graphql"),
]
CASES = [(kind, req, browser) for kind in FailureKind for req in (0, 1)
         for browser in ("chrome", "firefox")]


def test_every_failure_kind_has_expected_codes():
    assert {k.base.name if k.base is not k else k.name for k in FailureKind} <= set(KIND_CODES)


@pytest.mark.parametrize("kind,req,browser", CASES,
                         ids=[f"{k.value}-{'xhr' if r else 'fetch'}-{b}" for k, r, b in CASES])
def test_engine_catalogue_text_is_recognised(kind, req, browser):
    request = REQUESTS[req]
    base = kind.base.name if kind.base is not kind else kind.name
    failure = Failure(kind, preflight=kind.is_preflight, status=403 if kind.is_preflight else 200,
                      value=VALUES.get(base))
    text = (failure.chrome_message(request) if browser == "chrome"
            else "\n".join(failure.firefox_messages(request)))
    explanation = explain_text(text)
    assert explanation is not None, text
    codes = set(explanation.codes)
    wanted = KIND_CODES[base]
    if browser == "firefox" and base in ("MISSING_ALLOW_ORIGIN", "PREFLIGHT_MISSING_ALLOW_ORIGIN"):
        wanted = {"CORS304", "CORS402"} if kind.is_preflight else {"CORS401", "CORS402"}
    assert wanted <= codes, (text, explanation.codes)
    hit = explanation.diagnoses[0].hit
    assert hit.browser == browser
    if browser == "chrome":
        assert hit.origin == request.origin and hit.preflight == kind.is_preflight
        if failure.value is not None and "{value}" in CATALOGUE[kind].chrome:
            assert hit.value == failure.value


# ---------------------------------------------------------------- the documented table


def _doc_rows() -> list[tuple[str, set[str]]]:
    text = (ROOT / "corslint" / "rule_docs" / "browser-errors.md").read_text(encoding="utf-8")
    text = text.split("## Errors no static reading can see")[0]
    rows = []
    for line in text.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")] if line.startswith("| `") else []
        if len(cells) >= 2:
            message = re.search(r"`([^`]+)`", cells[0]).group(1).replace("<v>", "X-Custom")
            rows.append((message, set(re.findall(r"CORS\d{3}", cells[-1]))))
    return rows


DOC_ROWS = _doc_rows()


def test_documented_table_was_read():
    assert len(DOC_ROWS) >= 25


@pytest.mark.parametrize("message,codes", DOC_ROWS, ids=[m[:50] for m, _ in DOC_ROWS])
def test_documented_message_names_its_rules(message, codes):
    explanation = explain_text(message)
    assert explanation is not None, message
    assert codes <= set(explanation.codes), (message, explanation.codes)


# ---------------------------------------------------------------- what the rules print


def test_every_browser_text_a_rule_prints_is_explained_with_that_rule():
    result = lint([str(ROOT / "tests" / "fixtures"), str(ROOT / "samples")])
    checked = 0
    for finding in result.findings:
        for text in (finding.chrome, finding.firefox):
            if not text:
                continue
            explanation = explain_text(text)
            assert explanation is not None, text
            assert finding.code in explanation.codes, (finding.code, text, explanation.codes)
            checked += 1
    assert checked > 50


# ---------------------------------------------------------------- --config


BROKEN_304 = """\
server {
    listen 80;
    server_name api.payments.test;
    location /v1/ {
        add_header Access-Control-Allow-Origin "https://checkout.shop.test" always;
        if ($request_method = OPTIONS) {
            add_header Access-Control-Allow-Methods "GET, POST" always;
            return 204;
        }
        proxy_pass http://127.0.0.1:8000;
    }
    location /admin/ {
        add_header Access-Control-Allow-Origin "https://admin.shop.test" always;
        if ($request_method = OPTIONS) {
            add_header Access-Control-Allow-Methods "GET" always;
            return 204;
        }
        proxy_pass http://127.0.0.1:8001;
    }
}
"""

FIXED_304 = """\
server {
    listen 80;
    server_name api.payments.test;
    location /v1/ {
        add_header Access-Control-Allow-Origin "https://checkout.shop.test" always;
        if ($request_method = OPTIONS) {
            add_header Access-Control-Allow-Origin "https://checkout.shop.test" always;
            add_header Access-Control-Allow-Methods "GET, POST" always;
            return 204;
        }
        proxy_pass http://127.0.0.1:8000;
    }
}
"""

FF_304 = firefox("CORS header ‘Access-Control-Allow-Origin’ missing", 204, preflight=True)


def test_config_points_at_the_responsible_lines(tmp_path):
    conf = tmp_path / "api.conf"
    conf.write_text(BROKEN_304)
    result = CliRunner().invoke(cli.main, ["explain", FF_304, "--config", str(conf)])
    assert result.exit_code == 1, result.output
    out = result.stdout
    section = out[out.index(f"In {conf}"):]
    lines = [l.strip() for l in section.splitlines() if ": CORS304 " in l]
    assert [l.split(": CORS304")[0] for l in lines] == [f"{conf}:7:13", f"{conf}:15:13"]
    assert lines[0].endswith("<- the URL in the message")      # /v1/charges is location /v1/
    assert not lines[1].endswith("<- the URL in the message")  # /admin/ is not
    assert f"also: {conf}:5:9" in section


def test_config_json_lists_findings_with_url_match(tmp_path):
    conf = tmp_path / "api.conf"
    conf.write_text(BROKEN_304)
    result, data = explain_json(FF_304, "--config", str(conf))
    assert result.exit_code == 1
    findings = data["config"]["findings"]
    assert [(f["code"], f["line"], f["matches_url"]) for f in findings
            if f["code"] == "CORS304"] == [("CORS304", 7, True), ("CORS304", 15, False)]
    assert "CORS304" in data["config"]["checked"]


def test_config_without_the_cause_says_so(tmp_path):
    conf = tmp_path / "api.conf"
    conf.write_text(FIXED_304)
    result = CliRunner().invoke(cli.main, ["explain", FF_304, "--config", str(conf)])
    assert result.exit_code == 0, result.output
    assert f"In {conf}: no CORS304" in result.stdout


def test_config_that_cannot_be_parsed_exits_2(tmp_path):
    conf = tmp_path / "api.conf"
    conf.write_text("server {\n    location / {\n")
    result = CliRunner().invoke(cli.main, ["explain", FF_304, "--config", str(conf)])
    assert result.exit_code == 2
    assert f"{conf}:" in result.stderr


def test_config_with_a_rule_code(tmp_path):
    conf = tmp_path / "api.conf"
    conf.write_text(BROKEN_304)
    result = CliRunner().invoke(cli.main, ["explain", "CORS304", "--config", str(conf)])
    assert result.exit_code == 1
    assert result.stdout.startswith("# CORS304 preflight-missing-allow-origin")
    assert f"{conf}:7:13: CORS304" in result.stdout
