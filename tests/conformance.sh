#!/bin/sh
# The protocol spoken from Python, from scada-proto(7) alone, against a
# real scadad: see tests/conformance.py.
. "$top_srcdir/tests/lib.sh"

start_sim
make_project
printf 'test.noaddr,plc1,test,holding,100,uint16,,,,,,,,yes,Not in the PLC\n' \
    >>"$T/project/tags.csv"
start_scadad
wait_for 10 tag_good tank1.level || fail "tank1.level never turned good"
"$PY" "$top_srcdir/tests/conformance.py" "$SERVER" || fail "conformance"
