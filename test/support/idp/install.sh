#!/bin/sh
# System packages the identity tests need: pysaml2 (a second, independent SAML IdP that
# signs with xmlsec1) and xmlsec1 itself. Called by .ci/run before the tests.
set -eu
if python3 -c 'import saml2' 2>/dev/null && command -v xmlsec1 >/dev/null 2>&1; then
  exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
$SUDO apt-get update
$SUDO apt-get install -y --no-install-recommends python3-pysaml2 xmlsec1
