#!/bin/sh
# The system packages the tests need, checked (fast) before every `npm test`:
#   python3-pysaml2  a second, independent SAML IdP for the identity tests (test/support/idp)
#   xmlsec1          what pysaml2 signs with
#   chromium         /usr/bin/chromium, driven by the browser tests (playwright-core)
#   libxml2-utils    xmllint, which validates GetCarePlans against the national contract's
#                    schemas (src/patient-portal; the production image installs it too)
# Missing ones are installed with apt-get when we are root (after apt-get update); otherwise
# one line says what is missing and how to install it, and the tests do not start.
set -u

missing=""
# Debian's interpreter, as the tests use it (PYSAML2_PYTHON), not a pyenv shim on PATH.
"${PYSAML2_PYTHON:-/usr/bin/python3}" -c 'import importlib.util, sys; sys.exit(importlib.util.find_spec("saml2") is None)' >/dev/null 2>&1 || missing="$missing python3-pysaml2"
command -v xmlsec1 >/dev/null 2>&1 || missing="$missing xmlsec1"
[ -x /usr/bin/chromium ] || missing="$missing chromium"
command -v xmllint >/dev/null 2>&1 || missing="$missing libxml2-utils"
missing="${missing# }"
[ -z "$missing" ] && exit 0

say() { echo "test prerequisites: $*" >&2; }
if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  say "missing $missing; install them with: sudo apt-get update && sudo apt-get install -y --no-install-recommends $missing"
  exit 1
fi
log="${TMPDIR:-/tmp}/brygga-test-prerequisites.log"
say "installing $missing with apt-get (log: $log)"
# shellcheck disable=SC2086 # one word per package
if ! { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $missing; } >"$log" 2>&1; then
  say "apt-get could not install $missing (no package source reached?); see $log"
  exit 1
fi
