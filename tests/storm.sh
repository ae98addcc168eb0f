#!/bin/sh
# An alarm storm (tests/storm.py): 10,000 tags whose alarms all rise in
# the first scan of a PLC that comes on line, two stations watching.
# Then scadad is killed (SIGKILL) during another storm: the journal
# stays a sound SQLite file holding what was committed, and a restarted
# scadad rebuilds the active list from the plant.
. "$top_srcdir/tests/lib.sh"

N=10000
PORT=$(free_port)
project_ini "$T/project" storm
project_device "$T/project" plc1 host=127.0.0.1 port="$PORT" poll_ms=200 \
    backoff_max_ms=200
awk -v n="$N" 'BEGIN {
	print "name,device,area,space,address,type,l,description"
	for (i = 0; i < n; i++)
		printf "a%d.t%05d,plc1,a%d,holding,%d,uint16,1,tag %d\n",
		    i / 1000, i, i / 1000, 1000 + i, i
}' >"$T/project/tags.csv"
printf '[alarms]\ncomm_priority = no\n' >>"$T/project/project.ini"
start_scadad
PUB=$(awk '$1 == "publish" { print $2 }' "$T/endpoints")

"$PY" "$top_srcdir/tests/storm.py" "$SERVER" "$PUB" "$T/ready" "$N" \
    >"$T/storm.out" 2>&1 &
STORM=$!
PIDS="$PIDS $STORM"
wait_for 10 test -e "$T/ready" || fail "storm.py did not start: $(cat "$T/storm.out")"
spawn scadasim "$SCADASIM" -p "$PORT" -R "$N" -n
wait "$STORM"
rc=$?
forget "$STORM"
cat "$T/storm.out"
[ "$rc" -eq 0 ] || fail "the storm (storm.py)"

# SIGKILL during a storm: the PLC goes, comes back, and scadad dies
# while it raises the alarms again.
J=$T/project/data/alarms.db
before=$(sqlite3 "$J" 'SELECT count(*) FROM journal')
stop "$LAST_PID"
stop "$SCADAD_PID"
start_scadad
spawn scadasim2 "$SCADASIM" -p "$PORT" -R "$N" -n
wait_for 10 sh -c "[ \$(sqlite3 '$J' 'SELECT count(*) FROM journal') -gt $before ]" ||
    fail "no transition journaled after the restart"
kill -9 "$SCADAD_PID"
forget "$SCADAD_PID"
[ "$(sqlite3 "$J" 'PRAGMA integrity_check')" = ok ] ||
    fail "the journal after SIGKILL: $(sqlite3 "$J" 'PRAGMA integrity_check')"
after=$(sqlite3 "$J" 'SELECT count(*) FROM journal')
[ "$after" -ge "$before" ] || fail "committed transitions lost: $before, then $after"
echo "# $((after - before)) transitions committed before the kill"
start_scadad
wait_for 20 sh -c '[ "$("$0" -j alarms 2>/dev/null | grep -o "\"id\":" | wc -l)" -eq "$1" ]' \
    "$SCADACTL" "$N" || fail "the active list not rebuilt after the restart"
echo ok
