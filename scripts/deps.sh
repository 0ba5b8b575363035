#!/bin/sh
# Installs the Debian 12 packages trykk needs to build and test, saying what it
# installs. Does nothing when everything is present. Run by `make`.
set -e
PKGS="build-essential pkg-config libyaml-dev libpango1.0-dev libcairo2-dev libhpdf-dev
libhyphen-dev hyphen-no libcmark-dev liblcms2-dev libqrencode-dev libpng-dev libjpeg-dev
libfontconfig-dev libfreetype-dev libdeflate-dev poppler-utils qpdf zbar-tools"
missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "trykk: installing missing Debian packages:$missing"
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing
