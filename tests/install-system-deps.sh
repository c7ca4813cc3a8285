#!/usr/bin/env bash
# System packages the test suite drives: real nginx (`nginx -t` on every sample)
# and ssl-cert's snakeoil pair that TLS samples point at. Idempotent; needs root
# (or sudo) and apt. Stock services are kept from starting.
set -euo pipefail
want=()
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || want+=(nginx)
[ -f /etc/ssl/certs/ssl-cert-snakeoil.pem ] || want+=(ssl-cert)
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
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${want[@]}" >/dev/null
fi
if [ ! -f /etc/ssl/certs/ssl-cert-snakeoil.pem ]; then
    $SUDO make-ssl-cert generate-default-snakeoil --force-overwrite
fi
