#!/bin/sh
# The server dies (SIGKILL) while two stations watch: both report the
# loss, a write retried across the outage reaches the PLC exactly once,
# and both stations resync by themselves when the server is back.
. "$top_srcdir/tests/lib.sh"

start_sim -v
make_project
fixed_ports
start_scadad
wait_for 10 tag_good tank1.level || fail "tank1.level never turned good"
PUB=$(awk '$1 == "publish" { print $2 }' "$T/endpoints")

for w in w1 w2; do
	spawn "$w" "$SCADACTL" -j watch 'tank1.level_sp'
	wait_for 10 grep -q '"name":"tank1.level_sp"' "$T/$w.log" ||
	    fail "$w: no snapshot"
done

kill -9 "$SCADAD_PID"
for w in w1 w2; do
	wait_for 3 grep -q '"status":"communication lost' "$T/$w.log" ||
	    fail "$w: loss not reported within 3 s"
done

# Three attempts of 2 s: the server returns during the second.
"$SCADACTL" -t 2000 write tank1.level_sp 71 >"$T/write.log" 2>&1 &
WRITER=$!
PIDS="$PIDS $WRITER"
sleep 1
spawn scadad2 "$SCADAD" -f -c "$T/project" -C "$SERVER" -P "$PUB"
wait "$WRITER" || fail "write across the outage: $(cat "$T/write.log")"

for w in w1 w2; do
	wait_for 3 sh -c "[ \$(grep -c '\"status\":\"online\"' '$T/$w.log') -ge 2 ]" ||
	    fail "$w: no resync within 3 s"
	wait_for 3 grep -q '"value":71,' "$T/$w.log" ||
	    fail "$w: did not get 71"
done
n=$(grep -c '(0x06), address 0' "$T/scadasim.log")
[ "$n" -eq 1 ] || fail "the PLC saw $n writes of the setpoint, want 1"
echo ok
