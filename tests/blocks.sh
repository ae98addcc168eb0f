#!/bin/sh
# The protocol's limit of 125 registers a read, against a Modbus server
# the project did not write (pymodbus), which, as a real PLC does,
# refuses a read of 126: a run of 125 contiguous registers is read in
# one request and one of 126 in two, every tag good, nothing refused;
# a device may not be configured past the limit.
. "$top_srcdir/tests/lib.sh"

spawn pymodbus "$PY" "$top_srcdir/tests/pymodbus_server.py" "$T/py.port"
wait_for 15 test -s "$T/py.port" || fail "pymodbus server did not start"
PLC=$(cat "$T/py.port")

# The premise: the server refuses 126 registers and gives 125.
"$PY" - "$PLC" <<'PYEOF' || fail "pymodbus does not enforce the limit"
import sys
from pymodbus.client import ModbusTcpClient
c = ModbusTcpClient("127.0.0.1", port=int(sys.argv[1]))
assert c.connect()
assert not c.read_holding_registers(0, 125).isError()
assert c.read_holding_registers(0, 126).isError()
for a in (124, 425):
    c.write_register(a, a)
c.close()
PYEOF

# 125 tags at 0..124, a gap wider than max_gap, 126 tags at 300..425.
project_ini "$T/p" blocks
project_device "$T/p" plc host=127.0.0.1 port="$PLC" poll_ms=100 \
    max_registers=125 max_gap=8
awk 'BEGIN {
	print "name,device,space,address,type,writable"
	for (i = 0; i < 125; i++)
		printf "a.r%03d,plc,holding,%d,uint16,no\n", i, i
	for (i = 300; i < 426; i++)
		printf "b.r%03d,plc,holding,%d,uint16,no\n", i, i
}' >"$T/p/tags.csv"
spawn scadad "$SCADAD" -f -v -c "$T/p" -E "$T/endpoints"
wait_for 10 test -s "$T/endpoints" || fail "scadad did not start"
export SCADA_SERVER=$(awk '$1 == "command" { print $2 }' "$T/endpoints")

grep -q "device plc: 251 tags in 3 blocks" "$T/scadad.log" ||
    fail "block plan: $(grep 'blocks' "$T/scadad.log")"
wait_for 10 sh -c "'$SCADACTL' -j read a.r124 | grep -q '\"value\":124,\"quality\":\"good\"'" ||
    fail "last of 125: $("$SCADACTL" -j read a.r124)"
wait_for 10 sh -c "'$SCADACTL' -j read b.r425 | grep -q '\"value\":425,\"quality\":\"good\"'" ||
    fail "last of 126: $("$SCADACTL" -j read b.r425)"
"$SCADACTL" -j read a.r000 a.r062 b.r300 b.r424 >"$T/vals" ||
    fail "read: $(cat "$T/vals")"
[ "$(grep -c '"quality":"good"' "$T/vals")" = 4 ] ||
    fail "not every tag good: $(cat "$T/vals")"
# Read tag by tag after a refusal, the tags would be good too: the log
# says whether the PLC refused a block.
grep -q "refused" "$T/scadad.log" &&
    fail "the PLC refused a block: $(grep refused "$T/scadad.log")"

# 126 registers a request is no configuration at all.
project_device "$T/p" plc2 host=127.0.0.1 port="$PLC" max_registers=126
"$SCADAD" -n -c "$T/p" 2>"$T/err" && fail "max_registers = 126 accepted"
grep -q "max_registers: 126 out of range 1..125" "$T/err" ||
    fail "max_registers = 126: $(cat "$T/err")"
echo ok
