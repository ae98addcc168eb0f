#!/bin/sh
# The driver under PLC faults, injected into scadasim at runtime: a mute
# PLC, one killed and restarted mid-poll, exceptions, slow answers, a
# dropped connection and an address the PLC does not have. Tags turn bad
# with the reason within a timeout, good again within the backoff cap,
# and the other device never notices.
. "$top_srcdir/tests/lib.sh"

ctl() { "$SCADASIM" -C "$T/a.ctl" "$@" >/dev/null || fail "scadasim -C $*"; }
quality() { "$SCADACTL" -j read "$1" | sed -n 's/.*"quality":"\([a-z]*\)".*/\1/p'; }
reason() { "$SCADACTL" -j read "$1" | sed -n 's/.*"reason":"\([^"]*\)".*/\1/p'; }
is() { [ "$(quality "$1")" = "$2" ]; }
value() { "$SCADACTL" -j read "$1" | sed -n 's/.*"value":\([^,]*\),.*/\1/p'; }

spawn sima "$SCADASIM" -p 0 -P "$T/a.port" -n -c "$T/a.ctl"
spawn simb "$SCADASIM" -p 0 -P "$T/b.port" -n
wait_for 10 test -s "$T/a.port" || fail "scadasim a did not start"
wait_for 10 test -s "$T/b.port" || fail "scadasim b did not start"
A_PID=$(echo $PIDS | awk '{ print $1 }')
A_PORT=$(cat "$T/a.port")

project_ini "$T/project" faults
project_device "$T/project" plca host=127.0.0.1 port="$A_PORT" poll_ms=100 \
    timeout_ms=300 retries=0 backoff_max_ms=1000
project_device "$T/project" plcb host=127.0.0.1 port="$(cat "$T/b.port")" \
    poll_ms=100 timeout_ms=300
cat >"$T/project/tags.csv" <<EOI
name,device,space,address,type,raw_min,raw_max,eng_min,eng_max,writable
a.level,plca,input,0,uint16,0,10000,0,100,no
a.sp,plca,holding,0,uint16,0,10000,0,100,yes
a.ghost,plca,holding,5000,uint16,,,,,no
b.level,plcb,input,0,uint16,0,10000,0,100,no
b.volume,plcb,holding,2,float32,,,,,no
EOI
start_scadad
wait_for 10 tag_good a.level || fail "a.level never good"
wait_for 10 tag_good b.level || fail "b.level never good"

# b keeps being polled, on time, whatever happens to a.
b_moves() {
	v1=$(value b.volume)
	sleep 0.5
	[ "$(value b.volume)" != "$v1" ] && is b.volume good
}

# An address the PLC does not have: a configuration error, said once.
wait_for 5 sh -c "'$SCADACTL' -j read a.ghost | grep -q 'configuration error'" ||
    fail "a.ghost: $(reason a.ghost)"
is a.level good || fail "a.ghost spoiled its neighbours"
sleep 2
n=$(grep -c "a.ghost.*configuration error" "$T/scadad.log")
[ "$n" -eq 1 ] || fail "configuration error logged $n times, want once"

# Mute: bad within a timeout (300 ms) and a poll, b unaffected. The PLC
# still takes connections: the link is up only when it answers, so the
# outage is logged once, not at every new connection, and counted once.
r0=$(value sys.plca.reconnects)
lines=$(wc -l <"$T/scadad.log")
ctl mute on
wait_for 2 is a.level bad || fail "a.level still $(quality a.level) when mute"
reason a.level | grep -q "comm failure: Connection timed out" ||
    fail "reason: $(reason a.level)"
b_moves || fail "b stalled while a was mute"
sleep 3		# long enough for several attempts at the backoff cap
ctl mute off
wait_for 3 is a.level good || fail "a.level not good within the backoff cap"
tail -n +"$((lines + 1))" "$T/scadad.log" >"$T/mute.log"
[ "$(grep -c 'plca: Connection timed out' "$T/mute.log")" -eq 1 ] ||
    fail "the mute PLC logged again and again: $(cat "$T/mute.log")"
[ "$(grep -c 'plca: connected' "$T/mute.log")" -eq 1 ] ||
    fail "a link up before the PLC answered: $(cat "$T/mute.log")"
wait_for 3 sh -c "[ \$('$SCADACTL' -j read sys.plca.reconnects | sed -n 's/.*\"value\":\([0-9]*\).*/\1/p') -eq $((r0 + 1)) ]" ||
    fail "reconnects $(value sys.plca.reconnects), want $((r0 + 1))"

# Exceptions: named in the reason, and a write says device_error.
ctl exception 4
wait_for 2 sh -c "'$SCADACTL' -j read a.level | grep -q 'exception: Slave device or server failure'" ||
    fail "exception 4 not reported: $(reason a.level)"
"$SCADACTL" -j write a.sp 40 >"$T/out" 2>"$T/err"
[ $? -eq 5 ] || fail "write during exception: $(cat "$T/err")"
# Exit 5 is also "offline": the error itself must say the PLC refused.
grep -q '"error":"device_error"' "$T/out" &&
    grep -q 'Slave device or server failure' "$T/err" ||
    fail "write during exception, not a device error: $(cat "$T/out" "$T/err")"
ctl exception off
wait_for 3 is a.level good || fail "a.level not good after the exception"

# Slow answers within the timeout are fine; beyond it they are not.
ctl delay 150
sleep 1
is a.level good || fail "a.level bad with answers 150 ms late"
# Status tags are published at most once a second: wait for the next.
rtt_slow() { rtt=$(value sys.plca.rtt_ms); [ "${rtt%.*}" -ge 150 ]; }
wait_for 3 rtt_slow || fail "rtt $(value sys.plca.rtt_ms) ms with answers 150 ms late"
ctl delay 600
wait_for 3 is a.level bad || fail "a.level good with answers 600 ms late"
b_moves || fail "b stalled while a was slow"
ctl delay 0
wait_for 3 is a.level good || fail "a.level not good after the delay"

# The PLC drops every connection: reconnected and counted.
r1=$(value sys.plca.reconnects)
ctl drop
wait_for 3 sh -c "[ \$('$SCADACTL' -j read sys.plca.reconnects | sed -n 's/.*\"value\":\([0-9]*\).*/\1/p') -gt $r1 ]" ||
    fail "reconnect after drop not counted"
wait_for 3 is a.level good || fail "a.level not good after the drop"

# Killed mid-poll and restarted: bad at once, good within the cap.
kill -9 "$A_PID"
wait_for 2 is a.level bad || fail "a.level still good with the PLC dead"
"$SCADACTL" -j read sys.plca.connected | grep -q '"value":false' ||
    fail "sys.plca.connected still true"
b_moves || fail "b stalled while a was dead"
sleep 2		# let the backoff grow to its cap
spawn sima2 "$SCADASIM" -p "$A_PORT" -n
wait_for 3 is a.level good || fail "a.level not good within the backoff cap"
"$SCADACTL" write a.sp 40 || fail "write after the restart"
ps -p "$SCADAD_PID" >/dev/null || fail "scadad died"
echo ok
