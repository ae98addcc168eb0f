#!/bin/sh
# An update lost on the way (a proxy drops one on purpose): the station
# library notices the hole in the sequence, resyncs by itself, and its
# image is right again.
. "$top_srcdir/tests/lib.sh"

start_plant
PUB=$(awk '$1 == "publish" { print $2 }' "$T/endpoints")
spawn proxy "$PY" "$top_srcdir/tests/dropproxy.py" "$SERVER" "$PUB" \
    "$T/proxy.endpoints" "$T/drop"
wait_for 10 test -s "$T/proxy.endpoints" || fail "proxy did not start"
PROXY=$(awk '$1 == "command" { print $2 }' "$T/proxy.endpoints")

spawn watch "$SCADACTL" -j -s "$PROXY" watch 'tank1.*'
wait_for 10 grep -q '"status":"online"' "$T/watch.log" ||
    fail "watch never online through the proxy"
wait_for 10 grep -q '"name":"tank1.volume_out"' "$T/watch.log" ||
    fail "no snapshot through the proxy"

touch "$T/drop"
wait_for 10 test ! -e "$T/drop" || fail "nothing was dropped"
wait_for 5 grep -q '"status":"updates lost"' "$T/watch.log" ||
    fail "the lost update went unnoticed"
wait_for 5 sh -c "[ \$(grep -c '\"status\":\"online\"' '$T/watch.log') -ge 2 ]" ||
    fail "no resync after the loss"

# After the resync the station follows the plant again.
"$SCADACTL" write tank1.level_sp 57 || fail "write"
wait_for 5 grep -q '"name":"tank1.level_sp","value":57,' "$T/watch.log" ||
    fail "station not current after the resync"
echo ok
