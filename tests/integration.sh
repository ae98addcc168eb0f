#!/bin/sh
# End to end on loopback: scadasim, scadad with the demo project, a
# setpoint written with scadactl arriving on two independent subscribers
# (scadactl watch and a pyzmq client written from the spec), and bad
# writes refused with clear errors and no effect.
. "$top_srcdir/tests/lib.sh"

start_plant
PUB=$(awk '$1 == "publish" { print $2 }' "$T/endpoints")

# expect_fail STATUS PATTERN COMMAND...
expect_fail() {
	want=$1 pattern=$2
	shift 2
	"$@" >"$T/out" 2>"$T/err"
	got=$?
	[ "$got" -eq "$want" ] ||
	    fail "$*: exit $got, want $want; stderr: $(cat "$T/err")"
	grep -q -- "$pattern" "$T/err" ||
	    fail "$*: stderr lacks '$pattern': $(cat "$T/err")"
}

# Live values: the simulated level moves by itself.
first=$("$SCADACTL" -j read tank1.temp)
wait_for 10 sh -c "[ \"\$('$SCADACTL' -j read tank1.volume_out)\" != \
    '$("$SCADACTL" -j read tank1.volume_out)' ]" ||
    fail "tank1.volume_out never changed"

# Two independent subscribers, both live before the write.
spawn watch "$SCADACTL" -j watch 'tank1.level_sp'
spawn pysub "$PY" "$top_srcdir/tests/subscriber.py" "$PUB" \
    tank1.level_sp 62.5 20
PYSUB=$LAST_PID
wait_for 10 grep -q '"name":"tank1.level_sp"' "$T/watch.log" ||
    fail "scadactl watch showed no snapshot"
wait_for 10 grep -q ready "$T/pysub.log" || fail "python subscriber not ready"

"$SCADACTL" write tank1.level_sp 62.5 || fail "write tank1.level_sp 62.5"
wait_for 10 grep -q '"value":62.5' "$T/watch.log" ||
    fail "scadactl watch did not see 62.5"
wait "$PYSUB" || fail "python subscriber: $(cat "$T/pysub.log")"
"$SCADACTL" -j read tank1.level_sp | grep -q '"value":62.5,"quality":"good"' ||
    fail "read-back of tank1.level_sp is not 62.5"

# Bad writes: clear errors, exit codes from scadactl(1), nothing changes.
expect_fail 3 "unknown tag" "$SCADACTL" write tank1.nosuch 1
expect_fail 3 "out of range" "$SCADACTL" write tank1.level_sp 150
expect_fail 3 "out of range" "$SCADACTL" write tank1.level_sp -1
expect_fail 3 "read-only" "$SCADACTL" write tank1.level 10
expect_fail 2 "" "$SCADACTL" write tank1.level_sp 12abc
expect_fail 3 "unknown tag" "$SCADACTL" read tank1.nosuch
"$SCADACTL" -j read tank1.level_sp | grep -q '"value":62.5,' ||
    fail "a refused write changed tank1.level_sp"

# Both limits of 5..95, on both sides of each edge.
for v in 4.99 95.01 2 -0.01; do
	expect_fail 3 "out of range" "$SCADACTL" write tank1.level_sp "$v"
done
"$SCADACTL" -j read tank1.level_sp | grep -q '"value":62.5,' ||
    fail "a refused write near the limits changed tank1.level_sp"
for v in 5 95 62.5; do
	"$SCADACTL" write tank1.level_sp "$v" || fail "write $v, inside 5..95"
	"$SCADACTL" -j read tank1.level_sp | grep -q "\"value\":$v," ||
	    fail "tank1.level_sp is not $v: $("$SCADACTL" -j read tank1.level_sp)"
done

# With -j, an error is a JSON object on stdout too, the protocol's own;
# a write returns the value read back from the PLC.
"$SCADACTL" -j write tank1.level_sp 150 >"$T/out" 2>"$T/err"
[ $? -eq 3 ] || fail "-j write 150: exit status"
grep -q '^{"ok":false,"error":"out_of_range","message":"tank1.level_sp: 150 is out of range 5..95 %"' "$T/out" ||
    fail "-j error object: $(cat "$T/out")"
grep -q "out of range" "$T/err" || fail "-j error not on stderr too"
"$SCADACTL" -j read tank1.nosuch tank1.level >"$T/out" 2>/dev/null
grep -q '^{"ok":false,"error":"unknown_tag","message":"unknown tag: tank1.nosuch","tag":"tank1.nosuch"}$' "$T/out" ||
    fail "-j unknown tag: $(cat "$T/out")"
grep -q '"name":"tank1.level"' "$T/out" || fail "-j read lost the known tag"
"$SCADACTL" -j write tank1.level_sp 12abc >"$T/out" 2>/dev/null
grep -q '"error":"bad_request".*"tag":"tank1.level_sp"' "$T/out" ||
    fail "-j bad value: $(cat "$T/out")"
"$SCADACTL" -j -s 'nonsense' ping >"$T/out" 2>/dev/null
grep -q '"error":"bad_request","message":"invalid server endpoint: nonsense"' "$T/out" ||
    fail "-j bad endpoint: $(cat "$T/out")"
"$SCADACTL" -j write tank1.level_sp 62.5 >"$T/out" ||
    fail "-j write 62.5: $(cat "$T/out")"
grep -q '"ok":true,"tags":\[{"name":"tank1.level_sp","value":62.5,"quality":"good"' "$T/out" ||
    fail "-j write without the value read back: $(cat "$T/out")"

# A pattern that matches nothing is an unknown tag to browse as to watch.
expect_fail 3 "no tag matches: zzz\*" "$SCADACTL" browse 'zzz*'
[ -s "$T/out" ] && fail "browse printed for no match: $(cat "$T/out")"
expect_fail 3 "no tag matches: zzz\*" "$SCADACTL" watch -T 2 'zzz*'
"$SCADACTL" browse 'tank1.level*' >"$T/out" || fail "browse tank1.level*"
[ "$(wc -l <"$T/out")" = 5 ] || fail "browse tank1.level*: $(cat "$T/out")"

# The round trip to a device on loopback is well under a millisecond:
# status shows it to the microsecond, not as 0.0.
"$SCADACTL" status >"$T/out" || fail "status"
grep -q '^plc1  *yes  *[0-9]*\.[0-9][0-9][0-9] ' "$T/out" ||
    fail "status RTT: $(cat "$T/out")"

# Booleans (every data type, float32 included, round-trips in
# datatypes.sh).
"$SCADACTL" write tank1.heater_auto off || fail "write tank1.heater_auto off"
"$SCADACTL" -j read tank1.heater_auto | grep -q '"value":false' ||
    fail "tank1.heater_auto did not turn off"

# The server keeps serving after malformed input.
"$PY" - "$SERVER" <<'PYEOF' || fail "malformed requests"
import sys, zmq
s = zmq.Context.instance().socket(zmq.REQ)
s.connect(sys.argv[1])
for bad in [b"{", b"[]", b'{"v":2,"op": 5}', b'{"v":2,"op":"fly"}', b"\xff",
            b'{"v":2,"op":"write","tag":"tank1.level_sp"}']:
    s.send(bad)
    assert s.poll(3000), "no reply to %r" % bad
    r = s.recv_json()
    assert r["ok"] is False and r["error"] in (
        "bad_request", "unknown_op"), r
PYEOF
"$SCADACTL" ping >/dev/null || fail "server gone after malformed input"

# The PLC goes away: tags turn bad with a reason, writes say offline,
# and all is good again when it returns.
kill -9 "$SIM_PID"
# The first write may find the dead link before the poll does: it says
# the device is gone, never that the PLC refused it.
"$SCADACTL" write tank1.level_sp 41 2>"$T/err"
[ $? -eq 5 ] || fail "write to a dead PLC: $(cat "$T/err")"
grep -q "refused" "$T/err" && fail "a dead PLC 'refused' the write: $(cat "$T/err")"
wait_for 10 sh -c "'$SCADACTL' -j read tank1.level | grep -q '\"quality\":\"bad\"'" ||
    fail "tank1.level stayed good with the PLC gone"
"$SCADACTL" -j read tank1.level | grep -q '"reason":"comm failure' ||
    fail "bad tag without a reason"
expect_fail 5 "offline" "$SCADACTL" write tank1.level_sp 40
spawn scadasim2 "$SCADASIM" -p "$SIM_PORT" -n
wait_for 15 tag_good tank1.level || fail "tank1.level did not recover"

# No server: a bounded wait and exit status 7, never a hang.
stop "$SCADAD_PID"
start=$(date +%s)
# Another test's scadad may bind the port ours left; ask one nobody has.
SCADA_SERVER=tcp://127.0.0.1:$(free_port)
expect_fail 7 "unreachable" "$SCADACTL" -t 300 read tank1.level
[ $(( $(date +%s) - start )) -le 5 ] || fail "unreachable took too long"
echo ok
