#!/bin/sh
# scadad's start-up errors: a bad project names file:line and exits 1,
# a busy port is a clear error, detached mode keeps a locked PID file.
. "$top_srcdir/tests/lib.sh"

# expect_error STATUS PATTERN COMMAND...: the command fails with STATUS
# and PATTERN on stderr.
expect_error() {
	want=$1 pattern=$2
	shift 2
	"$@" >"$T/out" 2>"$T/err"
	got=$?
	[ "$got" -eq "$want" ] || fail "$*: exit $got, want $want: $(cat "$T/err")"
	grep -q -- "$pattern" "$T/err" ||
	    fail "$*: stderr lacks '$pattern': $(cat "$T/err")"
}

SIM_PORT=1502
make_project
P=$T/project

"$SCADAD" -n -c "$P" >"$T/out" 2>&1 || fail "-n on the demo: $(cat "$T/out")"
grep -q "OK: 1 devices, 14 tags" "$T/out" || fail "-n output: $(cat "$T/out")"

cp "$P/project.ini" "$T/good.ini"
printf 'frobnicate = yes\n' >>"$P/project.ini"
line=$(wc -l <"$P/project.ini")
expect_error 1 "project.ini:$line: unknown key 'frobnicate'" \
    "$SCADAD" -n -c "$P"
cp "$T/good.ini" "$P/project.ini"

sed -i 's/^timeout_ms = .*/timeout_ms = soon/' "$P/project.ini"
expect_error 1 "project.ini:[0-9]*: timeout_ms: not a whole number: 'soon'" \
    "$SCADAD" -n -c "$P"
cp "$T/good.ini" "$P/project.ini"

cp "$P/tags.csv" "$T/good.csv"
printf 'tank9.bad,plc1,tank9,holding,0,uint32,,,,,,,,no,overlaps\n' \
    >>"$P/tags.csv"
line=$(wc -l <"$P/tags.csv")
expect_error 1 "tags.csv:$line: tag 'tank9.bad' overlaps tag 'tank1.level_sp'" \
    "$SCADAD" -n -c "$P"
cp "$T/good.csv" "$P/tags.csv"

printf 'x,plc1,,holding,70000,uint16,,,,,,,,no,\n' >>"$P/tags.csv"
expect_error 1 "tags.csv:$line: address: 70000 out of range 0..65535" \
    "$SCADAD" -n -c "$P"
cp "$T/good.csv" "$P/tags.csv"

expect_error 1 "$T/nowhere: No such file" \
    "$SCADAD" -n -c "$T/nowhere"
expect_error 2 "usage" "$SCADAD" -Z
# Stations find the publisher by its TCP port: nothing else will do.
expect_error 1 "error: -P: 'ipc:///tmp/x' is not a tcp:// endpoint" \
    "$SCADAD" -n -c "$P" -P ipc:///tmp/x
sed -i 's|^publish = .*|publish = inproc://updates|' "$P/project.ini"
expect_error 1 "project.ini:[0-9]*: publish: 'inproc://updates' is not a tcp:// endpoint" \
    "$SCADAD" -n -c "$P"
cp "$T/good.ini" "$P/project.ini"
expect_error 1 "error: endpoints file $T/no/such/dir/ep" \
    "$SCADAD" -f -c "$P" -E "$T/no/such/dir/ep"

# A busy command port is an error, not a crash, in both modes.
spawn first "$SCADAD" -f -c "$P" -E "$T/endpoints"
wait_for 10 test -s "$T/endpoints" || fail "first scadad did not start"
busy=$(awk '$1 == "command" { print $2 }' "$T/endpoints")
expect_error 1 "cannot bind command endpoint $busy" \
    "$SCADAD" -f -c "$P" -C "$busy"
expect_error 1 "cannot bind command endpoint $busy" \
    "$SCADAD" -c "$P" -C "$busy" -p "$T/busy.pid"

# Detached: the parent returns once the sockets are bound.
"$SCADAD" -c "$P" -p "$T/scadad.pid" -E "$T/ep2" 2>"$T/err" ||
    fail "detached start failed: $(cat "$T/err")"
test -s "$T/ep2" || fail "detached scadad returned before binding"
pid=$(cat "$T/scadad.pid")
PIDS="$PIDS $pid"
kill -0 "$pid" || fail "no process behind the PID file"
expect_error 1 "error: pid file $T/scadad.pid is locked: scadad already running (pid $pid)" \
    "$SCADAD" -f -c "$P" -p "$T/scadad.pid"
kill "$pid"
wait_for 5 gone "$pid" || fail "detached scadad ignored SIGTERM"
test ! -e "$T/scadad.pid" || fail "PID file left behind"

# detached NAME OPTION...: a detached scadad on the project, from $T;
# its pid in $pid once up.
detached() {
	name=$1
	shift
	(cd "$T" && "$SCADAD" -c "$P" "$@") 2>"$T/$name.err" ||
	    fail "detached $name failed: $(cat "$T/$name.err")"
}

# Relative paths are taken from where scadad was started, though the
# server runs in /: the PID file goes at exit, the log is where asked.
mkdir "$T/run"
detached rel -p run/rel.pid -E ep3 -L rel.log
pid=$(cat "$T/run/rel.pid") && PIDS="$PIDS $pid" ||
    fail "no relative PID file"
test -s "$T/ep3" || fail "relative endpoints file not written"
wait_for 5 grep -q 'scadad\['"$pid"'\]: info: serving project' "$T/rel.log" ||
    fail "-L: no start line in the log file: $(cat "$T/rel.log")"
grep -q '^20[0-9-]*T[0-9:.]*[-+][0-9]* scadad' "$T/rel.log" ||
    fail "-L: lines without the time: $(cat "$T/rel.log")"
kill "$pid"
wait_for 5 gone "$pid" || fail "detached scadad ignored SIGTERM"
test ! -e "$T/run/rel.pid" || fail "relative PID file left behind"
grep -q 'info: shutting down' "$T/rel.log" || fail "-L: no shutdown line"

# A missing run directory is made if its parent exists; if not, the
# error says what to do.
detached mkdir -p "$T/newrun/scadad.pid" -E "$T/ep4"
pid=$(cat "$T/newrun/scadad.pid") && PIDS="$PIDS $pid" ||
    fail "run directory not created: $(cat "$T/mkdir.err")"
kill "$pid"
wait_for 5 gone "$pid" || fail "detached scadad ignored SIGTERM"
expect_error 1 "pid file $T/no/run/scadad.pid: cannot create its directory $T/no/run (create it, or name another file with -p)" \
    "$SCADAD" -c "$P" -p "$T/no/run/scadad.pid"
expect_error 1 "error: log file $T/no/such.log: No such file" \
    "$SCADAD" -f -c "$P" -L "$T/no/such.log"

# -h describes every option.
"$SCADAD" -h >"$T/out" || fail "-h exits non-zero"
for o in -C -c -d -E -f -h -L -n -P -p -V -v; do
	grep -q -- "^  $o " "$T/out" || fail "-h does not describe $o: $(cat "$T/out")"
done
echo "ok"
