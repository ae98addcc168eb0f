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

# Booleans, and a float32 in two registers.
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
