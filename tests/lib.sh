# Shared by the integration tests and bench/run.sh: a private plant and
# server on loopback, ephemeral ports, a temp dir, and a trap that stops
# every process we started, whatever happens. LIB_TEMP names the temp
# dir (default scada-test).
set -u

: "${top_builddir:?run through make check}"
: "${top_srcdir:?run through make check}"
SCADASIM=$top_builddir/scadasim/scadasim
SCADAD=$top_builddir/scadad/scadad
SCADACTL=$top_builddir/scadactl/scadactl
SCADATUI=$top_builddir/scadatui/scadatui
# Debian's python3 has pyzmq; a python3 earlier on PATH may not.
PY=/usr/bin/python3

T=$(mktemp -d "${TMPDIR:-/tmp}/${LIB_TEMP:-scada-test}.XXXXXX")
PIDS=
TMUX_SOCK=
MOUNTS=		# file systems a test mounted, unmounted at the end
# In a sanitizer build, every process we start reports to a file here,
# and any report fails the test, background processes included.
export ASAN_OPTIONS="log_path=$T/sanitizer:${ASAN_OPTIONS:-}"
export UBSAN_OPTIONS="log_path=$T/sanitizer:print_stacktrace=1:${UBSAN_OPTIONS:-}"
# The user's own keys, logins and station name stay out of the tests, and
# the tests' logins out of the user's files.
export XDG_CONFIG_HOME=$T/config XDG_RUNTIME_DIR=$T/run
unset SCADA_KEY SCADA_SERVER_KEY SCADA_SESSION SCADA_STATION

cleanup() {
	status=$?
	for pid in $PIDS; do
		kill "$pid" 2>/dev/null
		# A stopped process (bench/devices stops PLCs) sees it only now.
		kill -CONT "$pid" 2>/dev/null
	done
	[ -n "$TMUX_SOCK" ] && "${TMUX_BIN:-tmux}" -S "$TMUX_SOCK" \
	    kill-server 2>/dev/null
	for pid in $PIDS; do
		# Anything still up after 3 s is killed outright.
		for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15; do
			gone "$pid" && break
			sleep 0.2
		done
		kill -9 "$pid" 2>/dev/null
	done
	for m in $MOUNTS; do
		umount "$m" 2>/dev/null || umount -l "$m"
	done
	for f in "$T"/sanitizer.*; do
		[ -f "$f" ] || continue
		echo "FAIL: sanitizer report $f:"
		cat "$f"
		status=1
	done
	if [ "$status" -ne 0 ]; then
		for f in "$T"/*.log; do
			[ -s "$f" ] || continue
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

# stop PID: SIGTERM, then waits up to 10 s for the process to be gone,
# and forgets it, so cleanup never signals a pid the system reused.
stop() {
	kill "$1" 2>/dev/null
	wait_for 10 gone "$1" || fail "pid $1 did not stop"
	wait "$1" 2>/dev/null
	forget "$1"
}

# forget PID: a process we started that cleanup need not stop.
forget() {
	rest=
	for pid in $PIDS; do
		[ "$pid" = "$1" ] || rest="$rest $pid"
	done
	PIDS=$rest
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

# serve NAME PORT_FILE COMMAND...: spawns a server that writes the port
# it listens on to PORT_FILE, waits for that, and sets PORT.
serve() {
	serve_name=$1
	serve_file=$2
	shift 2
	rm -f "$serve_file"
	spawn "$serve_name" "$@"
	wait_for 10 test -s "$serve_file" || fail "$serve_name did not start"
	PORT=$(cat "$serve_file")
}

# start_sim [OPTION...]: a quiet simulator (-n), for values to check.
start_sim() {
	serve scadasim "$T/sim.port" "$SCADASIM" -p 0 -P "$T/sim.port" -n "$@"
	SIM_PID=$LAST_PID
	SIM_PORT=$PORT
}

# project_ini DIR NAME: a project named NAME in DIR, served on ephemeral
# loopback ports in plain text and without logins (tests of security
# turn them on), its data in DIR/data, its tags in DIR/tags.csv;
# project_device adds its devices.
project_ini() {
	mkdir -p "$1"
	printf '[project]\nname = %s\ntags = tags.csv\n[server]\n%s\n%s\n%s\n' \
	    "$2" 'command = tcp://127.0.0.1:*' 'publish = tcp://127.0.0.1:*' \
	    'data_dir = data' >"$1/project.ini"
	printf '[security]\ncurve = no\nlogin = no\n' >>"$1/project.ini"
}

# project_device DIR NAME KEY=VALUE...: a [device NAME] section.
project_device() {
	pd_dir=$1 pd_name=$2
	shift 2
	printf '[device %s]\n' "$pd_name" >>"$pd_dir/project.ini"
	for pd_kv in "$@"; do
		printf '%s = %s\n' "${pd_kv%%=*}" "${pd_kv#*=}" \
		    >>"$pd_dir/project.ini"
	done
}

# make_project [DIR [POLL_MS]]: the demo project in DIR (default
# $T/project), pointed at our simulator and at ephemeral ports, polled
# every POLL_MS (default 200).
make_project() {
	mkdir -p "${1:-$T/project}"
	cp "$top_srcdir/conf/demo/tags.csv" "$top_srcdir/conf/demo/alarms.csv" \
	    "${1:-$T/project}/"
	cp -r "$top_srcdir/conf/demo/pam" "$top_srcdir/conf/demo/screens" \
	    "${1:-$T/project}/"
	sed -e "s/^port = .*/port = $SIM_PORT/" \
	    -e 's/^login = yes/login = no/' \
	    -e 's|^command = .*|command = tcp://127.0.0.1:*|' \
	    -e 's|^publish = .*|publish = tcp://127.0.0.1:*|' \
	    -e "s/^poll_ms = .*/poll_ms = ${2:-200}/" \
	    -e 's/^backoff_max_ms = .*/backoff_max_ms = 1000/' \
	    "$top_srcdir/conf/demo/project.ini" >"${1:-$T/project}/project.ini"
}

# no_screens [DIR]: the project without its process screens, so that a
# station starts on the tag list, for the tests of the list.
no_screens() {
	sed -i '/^\[screens\]$/,/^$/d' "${1:-$T/project}/project.ini"
}

# project_login [DIR]: the project (default $T/project) asks for logins,
# through the demo's PAM service (conf/demo/pam).
project_login() {
	sed -i 's/^login = no/login = yes/' "${1:-$T/project}/project.ini"
}

# project_curve DIR KEYDIR STATION...: CurveZMQ on for the project in
# DIR, with a server key and a key for each STATION made in KEYDIR (as
# KEYDIR/NAME.key) and registered under the station's name.
project_curve() {
	pc_dir=$1 pc_keys=$2
	shift 2
	mkdir -p "$pc_keys"
	"$SCADACTL" keygen "$pc_keys/server.key" >/dev/null ||
	    fail "keygen server"
	sed -i -e 's/^curve = no/curve = yes/' -e '/^server_key = /d' \
	    -e "/^\[security\]/a server_key = $pc_keys/server.key" \
	    "$pc_dir/project.ini"
	for pc_st in "$@"; do
		"$SCADACTL" keygen "$pc_keys/$pc_st.key" >/dev/null ||
		    fail "keygen $pc_st"
		printf '[station %s]\npublic_key = %s\n' "$pc_st" "$(sed -n \
		    's/^ *public-key = "\(.*\)"$/\1/p' "$pc_keys/$pc_st.key.pub")" \
		    >>"$pc_dir/project.ini"
	done
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

# start_scadad [DIR [NAME]]: scadad on the project in DIR (default
# $T/project), logging to $T/NAME.log (default scadad). A big project
# may take a while to load.
start_scadad() {
	rm -f "$T/endpoints"
	spawn "${2:-scadad}" "$SCADAD" -f -c "${1:-$T/project}" \
	    -E "$T/endpoints"
	SCADAD_PID=$LAST_PID
	wait_for 30 test -s "$T/endpoints" || fail "scadad did not start"
	SERVER=$(awk '$1 == "command" { print $2 }' "$T/endpoints")
	export SCADA_SERVER="$SERVER"
}

# tag_good NAME: true once the tag reads with good quality.
tag_good() {
	"$SCADACTL" -j read "$1" | grep -q '"quality":"good"'
}

# Operator stations in tmux, read with capture-pane. tui_start NAME
# COLS ROWS [VAR=VALUE...] starts one in session NAME with that
# environment; tm runs tmux on our private server.
tm() { "${TMUX_BIN:-tmux}" -S "$TMUX_SOCK" "$@"; }
tui_start() {
	name=$1 cols=$2 rows=$3
	shift 3
	TMUX_SOCK=$T/tmux.sock
	tm new-session -d -s "$name" -x "$cols" -y "$rows" \
	    "env $* $SCADATUI -s $SERVER; echo \"exit status \$?\"; sleep 60" ||
	    fail "cannot start tmux"
}

# screen [NAME]: the session's screen into $T/screen (and on stdout with
# -p); on_screen PATTERN [NAME]: grep it; row TAG [NAME]: the tag's row.
screen() { tm capture-pane -p -t "${1:-tui}:" >"$T/screen"; }
on_screen() { screen "${2:-tui}"; grep -q -- "$1" "$T/screen"; }
row() { screen "${2:-tui}"; grep -- "^..$1 " "$T/screen"; }
# row_has TAG PATTERN [NAME]: the tag's row matches PATTERN.
row_has() { row "$1" "${3:-tui}" | grep -q -- "$2"; }

start_plant() {
	start_sim "$@"
	make_project
	start_scadad
	wait_for 10 tag_good tank1.level || fail "tank1.level never turned good"
}
