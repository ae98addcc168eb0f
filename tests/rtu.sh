#!/bin/sh
# Modbus RTU over a pty pair, and a gateway with two unit ids behind one
# connection: each unit is its own PLC.
. "$top_srcdir/tests/lib.sh"

spawn sim "$SCADASIM" -p 0 -P "$T/sim.port" -r "$T/pty" -n -u 1,2
wait_for 10 test -s "$T/pty" || fail "scadasim did not open a pty"
wait_for 10 test -s "$T/sim.port" || fail "scadasim did not listen"

project_ini "$T/project" rtu
project_device "$T/project" bus protocol=rtu serial="$(cat "$T/pty")" \
    baud=19200 parity=even unit=1 poll_ms=200 timeout_ms=500
project_device "$T/project" gateway host=127.0.0.1 \
    port="$(cat "$T/sim.port")" poll_ms=200
cat >"$T/project/tags.csv" <<EOI
name,device,unit,space,address,type,raw_min,raw_max,eng_min,eng_max,writable
rtu.level,bus,,input,0,uint16,0,10000,0,100,no
rtu.sp,bus,,holding,0,uint16,0,10000,0,100,yes
rtu.pump,bus,,coil,1,bool,,,,,yes
rtu.auto,bus,,coil,2,bool,,,,,yes
u1.sp,gateway,1,holding,0,uint16,0,10000,0,100,yes
u2.sp,gateway,2,holding,0,uint16,0,10000,0,100,yes
u2.level,gateway,2,input,0,uint16,0,10000,0,100,no
EOI
start_scadad
wait_for 10 tag_good rtu.level || fail "rtu.level never good over RTU"
"$SCADACTL" write rtu.sp 61.5 || fail "RTU write"
"$SCADACTL" -j read rtu.sp | grep -q '"value":61.5,' || fail "RTU read-back"
# Level control in auto would start the pump again within a plant step.
"$SCADACTL" write rtu.auto off || fail "RTU coil write"
"$SCADACTL" write rtu.pump off || fail "RTU coil write"
"$SCADACTL" -j read rtu.pump | grep -q '"value":false' || fail "RTU coil read-back"

# The gateway's unit 1 is the PLC behind the RTU line too; unit 2 is
# another one.
wait_for 10 tag_good u2.level || fail "unit 2 never good"
wait_for 5 sh -c "'$SCADACTL' -j read u1.sp | grep -q '\"value\":61.5,'" ||
    fail "unit 1 over TCP does not show the RTU write"
"$SCADACTL" write u2.sp 22 || fail "write to unit 2"
"$SCADACTL" -j read u2.sp | grep -q '"value":22,' || fail "unit 2 read-back"
sleep 0.5	# a poll or two: unit 1 must keep its own value
"$SCADACTL" -j read u1.sp | grep -q '"value":61.5,' ||
    fail "a write to unit 2 changed unit 1: $("$SCADACTL" -j read u1.sp)"
echo ok
