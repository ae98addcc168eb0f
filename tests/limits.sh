#!/bin/sh
# What one client may cost the server: see tests/limits.py.
. "$top_srcdir/tests/lib.sh"

start_plant
PUB=$(awk '$1 == "publish" { print $2 }' "$T/endpoints")
"$PY" "$top_srcdir/tests/limits.py" "$SERVER" "$PUB" "$SCADAD_PID" ||
    fail "limits"
"$SCADACTL" ping >/dev/null || fail "scadad gone after the limits"
