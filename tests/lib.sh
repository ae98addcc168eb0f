# Shared by the integration tests: a private plant and server on loopback,
# ephemeral ports, a temp dir, and a trap that stops every process we
# started, whatever happens.
set -u

: "${top_builddir:?run through make check}"
: "${top_srcdir:?run through make check}"
SCADASIM=$top_builddir/scadasim/scadasim
SCADAD=$top_builddir/scadad/scadad
SCADACTL=$top_builddir/scadactl/scadactl
SCADATUI=$top_builddir/scadatui/scadatui
# Debian's python3 has pyzmq; a python3 earlier on PATH may not.
PY=/usr/bin/python3

T=$(mktemp -d "${TMPDIR:-/tmp}/scada-test.XXXXXX")
PIDS=
TMUX_SOCK=
# In a sanitizer build, every process we start reports to a file here,
# and any report fails the test, background processes included.
export ASAN_OPTIONS="log_path=$T/sanitizer:${ASAN_OPTIONS:-}"
export UBSAN_OPTIONS="log_path=$T/sanitizer:print_stacktrace=1:${UBSAN_OPTIONS:-}"

cleanup() {
	status=$?
	for pid in $PIDS; do
		kill "$pid" 2>/dev/null
	done
	[ -n "$TMUX_SOCK" ] && "${TMUX_BIN:-tmux}" -S "$TMUX_SOCK" \
	    kill-server 2>/dev/null
	for pid in $PIDS; do
		# Anything still up after 3 s is killed outright.
		for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15; do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.2
		done
		kill -9 "$pid" 2>/dev/null
	done
	for f in "$T"/sanitizer.*; do
		[ -f "$f" ] || continue
		echo "FAIL: sanitizer report $f:"
		cat "$f"
		status=1
	done
	if [ "$status" -ne 0 ]; then
		for f in "$T"/*.log; do
			[ -f "$f" ] || continue
			echo "--- $f"
			tail -n 30 "$f"
		done
	fi
	rm -rf "$T"
	exit "$status"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

fail() {
	echo "FAIL: $*" >&2
	exit 1
}

# wait_for SECONDS COMMAND...: polls every 0.1 s until COMMAND succeeds.
wait_for() {
	limit=$(( $1 * 10 ))
	shift
	n=0
	until "$@" >/dev/null 2>&1; do
		n=$((n + 1))
		[ "$n" -ge "$limit" ] && return 1
		sleep 0.1
	done
	return 0
}

# gone PID: the process has exited (a zombie not yet reaped counts).
gone() {
	case $(ps -o stat= -p "$1") in
	""|Z*) return 0 ;;
	esac
	return 1
}

# stop PID: SIGTERM, then waits up to 10 s for the process to be gone.
stop() {
	kill "$1" 2>/dev/null
	wait_for 10 gone "$1" || fail "pid $1 did not stop"
}

# spawn NAME COMMAND...: runs COMMAND in the background, logging to
# $T/NAME.log, and remembers its pid for cleanup.
spawn() {
	name=$1
	shift
	"$@" >"$T/$name.log" 2>&1 &
	PIDS="$PIDS $!"
	LAST_PID=$!
}

start_sim() {
	spawn scadasim "$SCADASIM" -p 0 -P "$T/sim.port" -n "$@"
	SIM_PID=$LAST_PID
	wait_for 10 test -s "$T/sim.port" || fail "scadasim did not start"
	SIM_PORT=$(cat "$T/sim.port")
}

# The demo project, pointed at our simulator and at ephemeral ports.
make_project() {
	mkdir -p "$T/project"
	cp "$top_srcdir/conf/demo/tags.csv" "$T/project/"
	sed -e "s/^port = .*/port = $SIM_PORT/" \
	    -e 's|^command = .*|command = tcp://127.0.0.1:*|' \
	    -e 's|^publish = .*|publish = tcp://127.0.0.1:*|' \
	    -e 's/^poll_ms = .*/poll_ms = 200/' \
	    -e 's/^backoff_max_ms = .*/backoff_max_ms = 1000/' \
	    "$top_srcdir/conf/demo/project.ini" >"$T/project/project.ini"
}

# free_port: a port nobody listens on now, picked by the kernel. Tests
# that restart scadad on the same endpoints use these rather than "*",
# whose ports another test's server may take while ours is down.
free_port() {
	"$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# fixed_ports: the project's endpoints on two free ports.
fixed_ports() {
	sed -i -e "s|^command = .*|command = tcp://127.0.0.1:$(free_port)|" \
	    -e "s|^publish = .*|publish = tcp://127.0.0.1:$(free_port)|" \
	    "$T/project/project.ini"
}

start_scadad() {
	rm -f "$T/endpoints"
	spawn scadad "$SCADAD" -f -c "$T/project" -E "$T/endpoints"
	SCADAD_PID=$LAST_PID
	wait_for 10 test -s "$T/endpoints" || fail "scadad did not start"
	SERVER=$(awk '$1 == "command" { print $2 }' "$T/endpoints")
	export SCADA_SERVER="$SERVER"
}

# tag_good NAME: true once the tag reads with good quality.
tag_good() {
	"$SCADACTL" -j read "$1" | grep -q '"quality":"good"'
}

start_plant() {
	start_sim "$@"
	make_project
	start_scadad
	wait_for 10 tag_good tank1.level || fail "tank1.level never turned good"
}
