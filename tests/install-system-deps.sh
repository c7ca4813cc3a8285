#!/usr/bin/env bash
# System packages the test suite drives: real nginx (`nginx -t` on every sample,
# and its headers-more module, whose model the live tests check,
# and the truth tier's servers), ssl-cert's snakeoil pair that TLS samples point
# at, openssl (the truth tier's throwaway certificate), and the browsers of the
# truth tier: Debian's chromium and firefox-esr (no browser download is possible
# here; the tier drives them headless over their own remote protocols).
# Idempotent; needs root (or sudo) and apt; runs `apt-get update` at most once.
# Stock services (nginx, avahi, cups, ... pulled in as dependencies) are kept
# from starting.
set -euo pipefail
want=()
have() { command -v "$1" >/dev/null 2>&1 || [ -x "/usr/sbin/$1" ] || [ -x "/usr/bin/$1" ]; }
have nginx || want+=(nginx)
# headers-more (more_set_headers): the live tests check corslint's model of it
[ -f /usr/lib/nginx/modules/ngx_http_headers_more_filter_module.so ] || want+=(libnginx-mod-http-headers-more-filter)
[ -f /etc/ssl/certs/ssl-cert-snakeoil.pem ] || want+=(ssl-cert)
have openssl || want+=(openssl)
have chromium || want+=(chromium)
have firefox-esr || want+=(firefox-esr)
have apache2 || want+=(apache2)
have node || want+=(nodejs npm)
SUDO=""
[ "$(id -u)" = 0 ] || SUDO="sudo"
if [ ${#want[@]} -gt 0 ]; then
    # policy-rc.d exit 101: packages install without starting their daemons
    if [ ! -e /usr/sbin/policy-rc.d ]; then
        printf '#!/bin/sh\nexit 101\n' | $SUDO tee /usr/sbin/policy-rc.d >/dev/null
        $SUDO chmod +x /usr/sbin/policy-rc.d
        trap '$SUDO rm -f /usr/sbin/policy-rc.d' EXIT
    fi
    $SUDO apt-get update -qq
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${want[@]}" >/dev/null
fi
if [ ! -f /etc/ssl/certs/ssl-cert-snakeoil.pem ]; then
    $SUDO make-ssl-cert generate-default-snakeoil --force-overwrite
fi
# The Express and Hono truth tests run the real `cors` and `hono` packages under
# node (the browser tier serves Hono samples with @hono/node-server, which wants
# node >= 20): the versions are pinned by the committed package-lock.json.
(cd "$(dirname "$0")/framework_truth/node" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
