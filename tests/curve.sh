#!/bin/sh
# CurveZMQ on both sockets: registered stations get in, an unknown key
# or a plain client gets nothing at all, a session is good only on the
# station it was made on, and a capture of a session on loopback shows
# no tag name, value or password (while one of a plain server does).
# Plain text beyond loopback is refused.
. "$top_srcdir/tests/lib.sh"

export HOME=$T/home
K=$T/keys
start_sim
make_project
project_login
fixed_ports
project_curve "$T/project" "$K" op1 op2
"$SCADACTL" keygen "$K/op3.key" >/dev/null || fail "keygen op3"
[ "$(stat -c %a "$K/op1.key")" = 600 ] || fail "a secret key readable by others"
"$SCADACTL" keygen "$K/op1.key" 2>"$T/err" && fail "keygen overwrote a key"
start_scadad
grep -q 'CurveZMQ on: server key .*, 2 stations registered' "$T/scadad.log" ||
    fail "CurveZMQ not on: $(cat "$T/scadad.log")"
PUB=$(awk '$1 == "publish" { print $2 }' "$T/endpoints")

as() {	# as STATION COMMAND...: scadactl with that station's key
	st=$1
	shift
	"$SCADACTL" -k "$K/$st.key" -K "$K/server.key.pub" "$@"
}
as op1 ping >/dev/null || fail "a registered station is not let in"
printf 'operator\n' | as op1 login operator >"$T/out" ||
    fail "login over CurveZMQ: $(cat "$T/out")"
grep -q 'on station op1 ' "$T/out" ||
    fail "the station is not the key's: $(cat "$T/out")"
as op1 read tank1.level >/dev/null || fail "read over CurveZMQ"

# A session taken to another registered station opens nothing there.
token=$(awk '{ print $2 }' "$XDG_RUNTIME_DIR/scada/sessions")
SCADA_SESSION=$token as op2 read tank1.level 2>"$T/err"
[ $? -eq 4 ] && grep -q 'belongs to station op1' "$T/err" ||
    fail "a session replayed from op2: $(cat "$T/err")"

# An unknown key, or none: no reply, no publication, not even a tag name.
as op3 -t 300 ping 2>"$T/err"
[ $? -eq 7 ] || fail "an unregistered key got an answer: $(cat "$T/err")"
"$SCADACTL" -t 300 ping 2>"$T/err"
[ $? -eq 7 ] || fail "a plain client got an answer: $(cat "$T/err")"
"$PY" - "$PUB" "$K" <<'PYEOF' || fail "subscribers without a registered key"
import sys, time, zmq
pub, k = sys.argv[1], sys.argv[2]
def field(path, name):
    for line in open(path):
        key, _, value = line.strip().partition("=")
        if key.strip() == name:
            return value.strip().strip('"').encode()
ctx = zmq.Context()
socks = []
for keys in (None, "op3"):
    s = ctx.socket(zmq.SUB)
    s.setsockopt_string(zmq.SUBSCRIBE, "")
    if keys:
        s.curve_publickey = field("%s/%s.key" % (k, keys), "public-key")
        s.curve_secretkey = field("%s/%s.key" % (k, keys), "secret-key")
        s.curve_serverkey = field("%s/server.key.pub" % k, "public-key")
    s.connect(pub)
    socks.append(s)
good = ctx.socket(zmq.SUB)
good.setsockopt_string(zmq.SUBSCRIBE, "")
good.curve_publickey = field("%s/op1.key" % k, "public-key")
good.curve_secretkey = field("%s/op1.key" % k, "secret-key")
good.curve_serverkey = field("%s/server.key.pub" % k, "public-key")
good.connect(pub)
end = time.monotonic() + 3
heard = [0, 0, 0]
while time.monotonic() < end:
    for i, s in enumerate(socks + [good]):
        while s.poll(0):
            s.recv_multipart()
            heard[i] += 1
    time.sleep(0.05)
assert heard[2] > 0, "the registered station heard nothing: %s" % heard
assert heard[0] == 0 and heard[1] == 0, "outsiders heard %s" % heard[:2]
print("ok - only the registered subscriber hears publications", heard)
PYEOF
grep -q 'refused a connection from 127.0.0.1: its key is no registered' \
    "$T/scadad.log" || fail "refusals are not logged"

# What a session looks like on the wire.
capture() {	# capture FILE PORTS... : tcpdump on lo until stop_capture
	cap=$1
	shift
	filter="tcp and (port $1 or port $2)"
	# -Z root: it would drop to its own user, who may not write in $T;
	# immediate mode: every packet is written before we stop it.
	spawn tcpdump tcpdump -Z root --immediate-mode -i lo -U -w "$cap" \
	    "$filter"
	TCPDUMP=$LAST_PID
	wait_for 5 grep -q 'listening on lo' "$T/tcpdump.log" ||
	    fail "tcpdump did not start: $(cat "$T/tcpdump.log")"
}
stop_capture() {
	sleep 0.5
	stop "$TCPDUMP"
	echo "# $filter: $(tail -3 "$T/tcpdump.log" | tr '\n' ' ')"
}
session() {	# session COMMAND...: login, read, write, logout, with it
	printf 'operator\n' | "$@" login operator >/dev/null &&
	    "$@" read tank1.level_sp >/dev/null &&
	    "$@" write tank1.level_sp 57 >/dev/null &&
	    "$@" logout
}
port() { echo "${1##*:}"; }
if [ "$(id -u)" -eq 0 ] && command -v tcpdump >/dev/null; then
	capture "$T/curve.pcap" "$(port "$SERVER")" "$(port "$PUB")"
	session as op1 || fail "the session to capture failed"
	stop_capture
	[ -s "$T/curve.pcap" ] || fail "nothing captured"
	for word in tank1 level_sp operator Password; do
		grep -a -q "$word" "$T/curve.pcap" &&
		    fail "'$word' in clear on the wire under CurveZMQ"
	done
	# The same session with a plain server shows them all: the capture
	# is one that would see them.
	stop "$SCADAD_PID"
	sed -i 's/^curve = yes/curve = no/' "$T/project/project.ini"
	start_scadad
	PUB=$(awk '$1 == "publish" { print $2 }' "$T/endpoints")
	capture "$T/plain.pcap" "$(port "$SERVER")" "$(port "$PUB")"
	session "$SCADACTL" || fail "the plain session failed"
	stop_capture
	for word in tank1 level_sp operator; do
		grep -a -q "$word" "$T/plain.pcap" ||
		    fail "the capture misses '$word' even in plain text: $(ls -la "$T"/*.pcap; tcpdump -r "$T/plain.pcap" -A 2>/dev/null | head -40)"
	done
	echo "ok - nothing readable on the wire under CurveZMQ"
else
	echo "# not root or no tcpdump: the capture is not checked"
fi

# Plain text only on loopback, unless asked for beyond it.
sed -i 's|^command = .*|command = tcp://0.0.0.0:*|' "$T/project/project.ini"
"$SCADAD" -n -c "$T/project" 2>"$T/err" && fail "plain on 0.0.0.0 accepted"
grep -q 'curve = no sends commands, values and passwords in clear text' \
    "$T/err" || fail "plain beyond loopback: $(cat "$T/err")"
# A name that only looks like loopback is a name like any other.
sed -i 's|^command = .*|command = tcp://127.example.com:7700|' \
    "$T/project/project.ini"
"$SCADAD" -n -c "$T/project" 2>"$T/err" &&
    fail "plain on 127.example.com accepted"
grep -q 'curve = no sends commands' "$T/err" ||
    fail "plain on a name: $(cat "$T/err")"
sed -i 's|^command = .*|command = tcp://127.0.0.1:*|' "$T/project/project.ini"
"$SCADAD" -n -c "$T/project" >/dev/null 2>"$T/err" ||
    fail "plain on 127.0.0.1 refused: $(cat "$T/err")"
"$SCADAD" -f -c "$T/project" -C 'tcp://0.0.0.0:*' 2>"$T/err" &&
    fail "plain on -C 0.0.0.0 accepted"
grep -q 'would cross the network in clear text' "$T/err" ||
    fail "plain beyond loopback with -C: $(cat "$T/err")"

# A key that is not one, and a server without its key.
printf '[station bad]\npublic_key = short\n' >>"$T/project/project.ini"
"$SCADAD" -n -c "$T/project" 2>"$T/err" && fail "a bad station key accepted"
grep -q "station 'bad': public_key is not 40 characters of Z85" "$T/err" ||
    fail "bad key: $(cat "$T/err")"
sed -i '/^\[station bad\]/,$d' "$T/project/project.ini"
sed -i 's/^curve = no/curve = yes/' "$T/project/project.ini"
chmod 644 "$K/server.key"
"$SCADAD" -f -c "$T/project" 2>"$T/err" && fail "a server key others read used"
grep -q "server key $K/server.key: a secret key others may read is not used" \
    "$T/err" || fail "server key mode: $(cat "$T/err")"
mv "$K/server.key" "$K/moved.key"
"$SCADAD" -f -c "$T/project" 2>"$T/err" && fail "started without its key"
grep -q "server key $K/server.key: No such file or directory (make one with scadactl keygen $K/server.key)" \
    "$T/err" || fail "no server key: $(cat "$T/err")"
echo ok
