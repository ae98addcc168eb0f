#!/bin/sh
# The demo: the simulated plant, scadad with the demo project, and one
# operator station on this terminal. Quitting the station (q) stops what
# the demo started. Attach more stations from other terminals with
#   ./scadatui/scadatui
set -u
cd "$(dirname "$0")/.."
# Units such as degrees Celsius need a UTF-8 locale.
case "${LC_ALL:-${LC_CTYPE:-${LANG:-}}}" in
*UTF-8*|*utf8*) ;;
*) export LC_ALL=C.UTF-8 ;;
esac

logs=$(mktemp -d "${TMPDIR:-/tmp}/scada-demo.XXXXXX")
pids=
stop() {
	for p in $pids; do kill "$p" 2>/dev/null; done
	wait 2>/dev/null
	rm -rf "$logs"
}
trap stop EXIT
trap 'exit 1' INT TERM HUP

./scadasim/scadasim -p 1502 >"$logs/scadasim.log" 2>&1 &
pids="$pids $!"
# A copy of the demo project: its audit trail and the one-time codes
# used (pam_oath writes them down) go there, not into the source tree.
cp -r conf/demo "$logs/project"
./scadad/scadad -f -c "$logs/project" -E "$logs/endpoints" \
    >"$logs/scadad.log" 2>&1 &
pids="$pids $!"
for i in $(seq 50); do
	[ -s "$logs/endpoints" ] && break
	if ! kill -0 $pids 2>/dev/null; then break; fi
	sleep 0.1
done
if [ ! -s "$logs/endpoints" ]; then
	echo "demo: the plant or the server did not start:" >&2
	cat "$logs"/*.log >&2
	exit 1
fi
./scadatui/scadatui
