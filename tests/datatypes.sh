#!/bin/sh
# Every data type and byte order round-trips through the real driver,
# against a Modbus server the project did not write (pymodbus) and
# against scadasim's scratch registers, checked register by register.
. "$top_srcdir/tests/lib.sh"

# project_for PORT BASE: a project with the generated tag table.
project_for() {
	project_ini "$T/p$1" types
	project_device "$T/p$1" plc host=127.0.0.1 port="$1" poll_ms=100
	{
		echo "name,device,space,address,type,byte_order,writable,bit,length,raw_min,raw_max,eng_min,eng_max,clamp"
		"$PY" "$top_srcdir/tests/datatypes.py" tags "$2"
	} >"$T/p$1/tags.csv"
}

run_types() {
	port=$1 base=$2
	project_for "$port" "$base"
	rm -f "$T/endpoints"
	spawn "scadad-$port" "$SCADAD" -f -c "$T/p$port" -E "$T/endpoints"
	wait_for 10 test -s "$T/endpoints" || fail "scadad did not start"
	SERVER=$(awk '$1 == "command" { print $2 }' "$T/endpoints")
	"$PY" "$top_srcdir/tests/datatypes.py" check "$SERVER" "$port" "$base" ||
	    fail "types against port $port"
	kill "$LAST_PID"
}

spawn pymodbus "$PY" "$top_srcdir/tests/pymodbus_server.py" "$T/py.port"
wait_for 15 test -s "$T/py.port" || fail "pymodbus server did not start"
run_types "$(cat "$T/py.port")" 0

start_sim -R 300
run_types "$SIM_PORT" 1000
echo ok
