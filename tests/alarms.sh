#!/bin/sh
# Alarms on the server, watched by two stations (tests/alarms.py): every
# ISA-18.2 transition, deadband and delay, shelving, latching, out of
# service, suppression by design and deviation, a retried
# acknowledgement applied once; then the communication alarm of a PLC
# that goes away, the audit trail of the actions, the rights they need,
# and a project's alarm errors with file:line.
. "$top_srcdir/tests/lib.sh"

start_sim
make_project
cat >"$T/project/alarms.csv" <<CSV
name,hh,h,hh_priority,deadband,on_delay_ms,deviation,setpoint,alarm_state,latch,suppress_by
tank1.level_sp,90,80,urgent,2,,60,tank1.temp_sp,,,
tank1.temp_sp,,70,,,1500,,,,,tank1.inlet
tank1.heater,,,,,,,,on,yes,
CSV
start_scadad
wait_for 10 tag_good tank1.level || fail "no PLC"
PUB=$(awk '$1 == "publish" { print $2 }' "$T/endpoints")
"$PY" "$top_srcdir/tests/alarms.py" "$SERVER" "$PUB" ||
    fail "alarm states (alarms.py)"

# scadactl: the list as a table and CSV, and the actions.
"$SCADACTL" write tank1.level_sp 85 >/dev/null || fail "write 85"
wait_for 5 sh -c '"$0" alarms | grep -q "unack .*tank1.level_sp:h "' \
    "$SCADACTL" || fail "alarms list: $("$SCADACTL" alarms 2>&1)"
"$SCADACTL" alarms 'tank1.level_sp*' -s unack | grep -q 'tank1.level_sp:h' ||
    fail "options after the pattern: $("$SCADACTL" alarms 'tank1.level_sp*' -s unack 2>&1)"
"$SCADACTL" alarms -s bogus 2>"$T/err"
[ $? -eq 2 ] && grep -q "where.state 'bogus' is not one of" "$T/err" ||
    fail "a bad state: $(cat "$T/err")"
"$SCADACTL" alarms | head -1 | grep -q '^PRIORITY  *STATE  *SINCE  *ALARM' ||
    fail "alarms heading: $("$SCADACTL" alarms | head -1)"
"$SCADACTL" alarms -f csv 'tank1.level_sp*' >"$T/csv" || fail "alarms -f csv"
head -1 "$T/csv" | grep -q '^"priority_name","state","active_since","id"' ||
    fail "CSV header: $(head -1 "$T/csv")"
grep -q '"medium","unack",.*"tank1.level_sp:h"' "$T/csv" ||
    fail "CSV row: $(cat "$T/csv")"
"$SCADACTL" alarms ack -c via-ctl tank1.level_sp:h >"$T/out" &&
    grep -q '^1 acknowledged$' "$T/out" || fail "alarms ack: $(cat "$T/out")"
"$SCADACTL" alarms ack tank1.level_sp:h 2>"$T/err"
[ $? -eq 3 ] && grep -q 'nothing to acknowledge' "$T/err" ||
    fail "a second ack: $(cat "$T/err")"
"$SCADACTL" alarms shelve -t 60 -c 'maintenance' tank1.level_sp:h ||
    fail "alarms shelve"
"$SCADACTL" alarms -s shelved | grep -q 'tank1.level_sp:h' ||
    fail "alarms -s shelved"
"$SCADACTL" alarms unshelve tank1.level_sp:h || fail "alarms unshelve"
"$SCADACTL" alarms service out tank1.level_sp:h || fail "alarms service out"
"$SCADACTL" alarms service in tank1.level_sp:h || fail "alarms service in"
"$SCADACTL" alarms reset tank1.level_sp:h 2>"$T/err"
[ $? -eq 3 ] || fail "reset of an unlatched alarm: $(cat "$T/err")"
"$SCADACTL" alarms frobnicate x 2>"$T/err"
[ $? -eq 2 ] && grep -q "unknown word 'frobnicate'" "$T/err" ||
    fail "a bad word: $(cat "$T/err")"
"$SCADACTL" -j alarms ack -A >"$T/out" || fail "alarms ack -A"
grep -q '"acked":\[' "$T/out" || fail "ack -A: $(cat "$T/out")"

# The journal has every transition, queried by tag, event and text.
J=$T/project/data/alarms.db
"$SCADACTL" alarms journal -f csv -t 'tank1.level_sp:h' >"$T/csv" ||
    fail "alarms journal"
head -1 "$T/csv" | grep -q '^"id","ts","alarm","event","state","priority"' ||
    fail "journal CSV header: $(head -1 "$T/csv")"
grep -q '"tank1.level_sp:h","ack","acked","3",.*"seen"' "$T/csv" ||
    fail "the first acknowledgement with its comment: $(head -5 "$T/csv")"
"$SCADACTL" -j alarms journal -E shelve -x 'level setpoint' >"$T/rows" ||
    fail "journal -E -x"
grep -q '"comment":"sensor work"' "$T/rows" ||
    fail "a shelf in the journal: $(cat "$T/rows")"
grep -q '"event":"active"' "$T/rows" && fail "-E shelve took other events"
n_pub=$(grep -c . "$T/csv")
[ "$n_pub" -gt 10 ] || fail "few transitions of tank1.level_sp:h: $n_pub"
"$SCADACTL" alarms journal -s yesterdayish 2>"$T/err"
[ $? -eq 2 ] && grep -q "bad time 'yesterdayish'" "$T/err" ||
    fail "a bad time: $(cat "$T/err")"
[ "$(sqlite3 "$J" 'PRAGMA integrity_check')" = ok ] ||
    fail "the journal's integrity"

# EEMUA 191's figures: the setpoint's H alarm, raised again and again
# within a minute, is the most frequent and chatters.
"$SCADACTL" -j alarms stats >"$T/stats" || fail "alarms stats"
grep -q '"top":\[{"alarm":"tank1.level_sp:h","area":"tank1","activations":[0-9]*}' \
    "$T/stats" || fail "the most frequent alarm: $(cat "$T/stats")"
grep -q '"chattering":\[[^]]*"alarm":"tank1.level_sp:h","area":"tank1","bursts":[1-9]' \
    "$T/stats" || fail "the chattering alarm: $(cat "$T/stats")"
grep -q '"areas":\[{"area":"tank1","activations":[1-9]' "$T/stats" ||
    fail "activations per area: $(cat "$T/stats")"
"$SCADACTL" alarms stats >"$T/out" && grep -q '^MOST FREQUENT' "$T/out" &&
    grep -q '^CHATTERING' "$T/out" || fail "stats as text: $(cat "$T/out")"

# The operators' actions are in the audit trail.
"$SCADACTL" -j audit -a alarm_ack >"$T/rows" || fail "audit"
grep -q '"tag":"tank1.level_sp:h","result":"ok","detail":"seen"' "$T/rows" ||
    fail "no audit row for an acknowledgement: $(head -3 "$T/rows")"
"$SCADACTL" -j audit -a alarm_shelve | grep -q '"detail":"sensor work"' ||
    fail "no audit row for a shelf"

# A PLC that goes away raises its communication alarm.
"$SCADACTL" alarms shelve -t 600 -c 'over the restart' tank1.level_sp:h ||
    fail "shelve for the restart"
stop "$SIM_PID"
wait_for 15 sh -c '"$0" -j alarms 2>/dev/null | grep -q "sys.plc1.connected:comm"' \
    "$SCADACTL" ||
    echo "$("$SCADACTL" -j alarms 2>&1)" | grep -q "sys.plc1.connected:comm" ||
    fail "no communication alarm: $("$SCADACTL" -j alarms 2>&1 | head -c 600)"
stop "$SCADAD_PID"

# A restart keeps the shelf, its reason and its end, and the journal
# says where each alarm was left.
start_scadad
grep -q "alarms as the journal left them" "$T/scadad.log" ||
    fail "no restore said: $(cat "$T/scadad.log")"
"$SCADACTL" -j alarms -s shelved >"$T/out" || fail "alarms after the restart"
grep -q '"id":"tank1.level_sp:h"' "$T/out" &&
    grep -q '"shelve_reason":"over the restart"' "$T/out" &&
    grep -q '"shelved_until":' "$T/out" || fail "the shelf lost: $(cat "$T/out")"
"$SCADACTL" -j alarms journal -E shelve -t tank1.level_sp:h -n 1 |
    grep -q '"until":' || fail "the journal's shelf has no end"
stop "$SCADAD_PID"

# Alarm errors in the project name their file and line.
bad() {	# bad ROW PATTERN: the row in an alarm list is refused, saying PATTERN
	printf 'name,hh,h,l,ll,deadband,deviation,setpoint,hh_priority,alarm_state,suppress_by\n%s\n' \
	    "$1" >"$T/project/alarms.csv"
	"$SCADAD" -n -c "$T/project" >"$T/out" 2>&1 &&
	    fail "accepted: $1"
	grep -q -- "$2" "$T/out" || fail "for $1: $(cat "$T/out")"
}
A=$T/project/alarms.csv
bad 'tank1.level,80,90,,,,,,,,' "$A:2: hh (80) must be above h (90)"
bad 'tank1.level,,90,10,,200,,,,,' "$A:2: deadband 200 is not below the span"
bad 'tank1.nope,,90,,,,,,,,' "$A:2: unknown tag 'tank1.nope'"
bad 'tank1.level,,,,,,5,tank1.nope,,,' "$A:2: tank1.level: unknown setpoint tag 'tank1.nope'"
bad 'tank1.level,99,,,,,,,ultra,,' "$A:2: hh_priority: 'ultra' is not one of"
bad 'tank1.pump,1,,,,,,,,,' "$A:2: hh needs a number; tank1.pump is bool"
bad 'tank1.pump,,,,,,,,,maybe,' "$A:2: alarm_state 'maybe' is not a state of a bool"
bad 'tank1.level,,90,,,,,,,,tank1.nope' "$A:2: tank1.level: unknown suppress_by tag 'tank1.nope'"
bad 'tank1.level,,,,,1,,,,,' "$A:2: alarm columns without an alarm"
bad 'tank1.level,,90,,,,,,,,
tank1.level,,85,,,,,,,,' "$A:3: alarm tank1.level:h defined twice (first at $A:2)"
bad 'tank1.level,95,,,,,,,,,
tank1.level,,97,,,,,,,,' "$A:3: tank1.level: h (97) must be below hh (95, at $A:2)"
cp "$T/project/project.ini" "$T/good.ini"
printf '[station op1]\nbell = loud\n' >>"$T/project/project.ini"
"$SCADAD" -n -c "$T/project" >"$T/out" 2>&1 && fail "accepted bell = loud"
grep -q "project.ini:$(wc -l <"$T/project/project.ini"): bell: 'loud' is not one of: default no urgent high medium low" \
    "$T/out" || fail "a bad bell: $(cat "$T/out")"
cp "$T/good.ini" "$T/project/project.ini"
echo ok
