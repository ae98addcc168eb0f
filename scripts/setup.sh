#!/bin/sh
# Sets up a Debian machine for this project and builds it, then:
#   scripts/setup.sh demo     runs the demo plant with an operator station
#   scripts/setup.sh check    runs the whole test suite
#   scripts/setup.sh build    only builds
# Idempotent: installs only what is missing, configures only once.
# CONFIGURE_FLAGS are passed to ./configure (e.g. --enable-sanitizers).
set -eu

PACKAGES="build-essential autoconf automake libtool pkg-config gettext
autopoint libzmq3-dev libczmq-dev libsqlite3-dev libmodbus-dev
libncurses-dev libpam0g-dev libjansson-dev libinih-dev libcsv-dev expect
tmux mandoc libpam-wrapper python3 python3-zmq python3-pymodbus procps
clang libclang-rt-14-dev python3-serial python3-serial-asyncio
mosquitto libmosquitto-dev libsodium-dev libpam-pwdfile libpam-oath
oathtool tcpdump sqlite3"

cd "$(dirname "$0")/.."
what=${1:-build}
case $what in
demo|check|build) ;;
*) echo "usage: scripts/setup.sh [demo|check|build]" >&2; exit 2 ;;
esac

missing=
for p in $PACKAGES; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
	    grep -q 'install ok installed' || missing="$missing $p"
done
if [ -n "$missing" ]; then
	sudo=
	[ "$(id -u)" -ne 0 ] && sudo=sudo
	echo "setup: installing:$missing"
	$sudo apt-get update -q
	DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q \
	    --no-install-recommends $missing
fi

[ -x configure ] && [ configure -nt configure.ac ] || autoreconf -fi
[ -f Makefile ] || ./configure ${CONFIGURE_FLAGS:-}
make -j"$(nproc)"

case $what in
demo)	exec scripts/demo.sh ;;
check)	exec make -j"$(nproc)" check ;;
esac
