#!/bin/sh
# An alarm storm (tests/storm.py): 10,000 tags whose alarms all rise in
# the first scan of a PLC that comes on line, two stations watching.
# Then scadad is killed (SIGKILL) during a storm of acknowledgements:
# the journal stays a sound SQLite file holding what was committed, and
# a restarted scadad rebuilds the active list from it.
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

# Every alarm acknowledged at once, and scadad killed (SIGKILL) while
# the journal takes the storm of acknowledgements: the journal stays a
# sound SQLite file, and a restarted scadad takes every alarm as the
# journal last left it, acknowledged or not, before the PLC is back.
J=$T/project/data/alarms.db
stop "$LAST_PID"
"$SCADACTL" alarms ack -A >/dev/null &
ACK=$!
PIDS="$PIDS $ACK"
# Killed once the first acknowledgements are committed: in the storm.
wait_for 20 sh -c "[ \$(sqlite3 '$J' \"SELECT count(*) FROM journal WHERE
    event = 'ack'\" 2>/dev/null) -gt 0 ]" || fail "no acknowledgement journaled"
kill -9 "$SCADAD_PID"
wait "$ACK"
forget "$ACK"
forget "$SCADAD_PID"
[ "$(sqlite3 "$J" 'PRAGMA integrity_check')" = ok ] ||
    fail "the journal after SIGKILL: $(sqlite3 "$J" 'PRAGMA integrity_check')"
last="SELECT count(*) FROM journal WHERE id IN (SELECT max(id) FROM journal
    GROUP BY alarm)"
acked=$(sqlite3 "$J" "$last AND state = 'acked'")
unack=$(sqlite3 "$J" "$last AND state = 'unack'")
[ $((acked + unack)) -eq "$N" ] ||
    fail "the journal's last states: $acked acked, $unack unack of $N"
echo "# $acked of $N acknowledgements committed before the kill"
actives=$(sqlite3 "$J" "SELECT count(*) FROM journal WHERE event = 'active'")
start_scadad
"$SCADACTL" -j alarms >"$T/list" || fail "alarms after the restart"
[ "$(grep -o '"state":"acked"' "$T/list" | wc -l)" -eq "$acked" ] &&
    [ "$(grep -o '"state":"unack"' "$T/list" | wc -l)" -eq "$unack" ] ||
    fail "the list after the restart: $(grep -o '"state":"[a-z_]*"' "$T/list" | sort | uniq -c)"
# The PLC again: its values find the alarms active already.
spawn scadasim2 "$SCADASIM" -p "$PORT" -R "$N" -n
wait_for 10 tag_good a9.t09999 || fail "the PLC did not come back"
sleep 1
[ "$(sqlite3 "$J" "SELECT count(*) FROM journal WHERE event = 'active'")" -eq "$actives" ] ||
    fail "alarms active before the restart rose again"
"$SCADACTL" -j alarms | grep -o '"state":"acked"' | wc -l >"$T/n"
[ "$(cat "$T/n")" -eq "$acked" ] || fail "acknowledgements lost once the PLC was back"
echo ok
