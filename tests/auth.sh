#!/bin/sh
# Logins through the real libpam, checked on the server: the demo's
# PAM service (pam_pwdfile, pam_oath) for passwords, one-time codes,
# throttling, abandoned conversations, idle logout, revocation and the
# audit trail (tests/auth.py); a service of pam_wrapper's pam_matrix
# and pam_debug for expired and locked accounts and a password that
# must change; a broken stack; scadactl's login; and a server that
# gives up root while its login helper keeps it.
. "$top_srcdir/tests/lib.sh"

start_sim
make_project
project_login
sed -i 's/^throttle_ms = .*/throttle_ms = 1000/' "$T/project/project.ini"
printf 'login_timeout_s = 5\n' >"$T/extra"
sed -i '/^\[security\]/r '"$T/extra" "$T/project/project.ini"
printf '[station s-idle]\nidle_logout_s = 2\n' >>"$T/project/project.ini"
start_scadad
wait_for 10 grep -q 'device plc1: connected' "$T/scadad.log" ||
    fail "no PLC"
PUB=$(awk '$1 == "publish" { print $2 }' "$T/endpoints")
HELPER=$(pgrep -P "$SCADAD_PID" | head -1)
[ -n "$HELPER" ] || fail "no login helper under scadad"
"$PY" "$top_srcdir/tests/auth.py" "$SERVER" "$PUB" "$HELPER" ||
    fail "logins (auth.py)"

# scadactl: answers on standard input, the session kept for the next
# commands, errors with their exit status.
export HOME=$T/home SCADA_STATION=s-ctl
printf 'operator\n' | "$SCADACTL" login operator >"$T/out" ||
    fail "scadactl login: $(cat "$T/out")"
grep -q 'logged in as operator on station s-ctl' "$T/out" ||
    fail "scadactl login said: $(cat "$T/out")"
[ "$(stat -c %a "$XDG_RUNTIME_DIR/scada/sessions")" = 600 ] ||
    fail "the kept session is readable by others"
"$SCADACTL" whoami | grep -q 'view operate acknowledge in tank1' ||
    fail "whoami: $("$SCADACTL" whoami)"
"$SCADACTL" read tank1.level >/dev/null || fail "read with the kept session"
"$SCADACTL" read sys.plc1.errors 2>"$T/err"
[ $? -eq 4 ] && grep -q "operator may not view tags in area 'sys'" "$T/err" ||
    fail "a read out of the operator's areas: $(cat "$T/err")"
"$SCADACTL" logout || fail "scadactl logout"
"$SCADACTL" read tank1.level 2>"$T/err"
[ $? -eq 4 ] && grep -q 'log in first' "$T/err" ||
    fail "after logout: $(cat "$T/err")"
printf 'bad\n' | SCADA_STATION=s-ctl2 "$SCADACTL" -j login operator \
    >"$T/out" 2>/dev/null
[ $? -eq 4 ] && grep -q '"error":"auth_failed"' "$T/out" ||
    fail "scadactl -j login, wrong password: $(cat "$T/out")"

# Accounts PAM refuses after the password: expired, locked; and one
# whose password must change, which is changed through the same
# conversation and works afterwards.
MATRIX=$(ls /usr/lib/*/pam_wrapper/pam_matrix.so 2>/dev/null | head -1)
[ -n "$MATRIX" ] || fail "pam_matrix.so not found (apt-get install libpam-wrapper)"
P2=$T/accounts
make_project "$P2"
project_login "$P2"
sed -i 's/^pam_service = .*/pam_service = accounts/' "$P2/project.ini"
cat >"$P2/pam/accounts" <<PAM
auth     optional  pam_exec.so quiet log=$P2/pam/env.log /usr/bin/env
auth     required  $MATRIX passdb=pam/matrix.db
account  [success=1 default=ignore] pam_succeed_if.so quiet user notin expired
account  requisite pam_debug.so acct=acct_expired
account  [success=1 default=ignore] pam_succeed_if.so quiet user notin locked
account  requisite pam_debug.so acct=perm_denied
account  [success=1 default=ignore] pam_succeed_if.so quiet user notin mustchange
account  requisite pam_debug.so acct=new_authtok_reqd
account  required  pam_permit.so
password required  $MATRIX passdb=pam/matrix.db
PAM
printf '%s:pw:accounts\n' expired locked >"$P2/pam/matrix.db"
printf 'mustchange:old:accounts\n' >>"$P2/pam/matrix.db"
start_scadad "$P2" scadad-accounts
ctl_login() {	# STATION USER ANSWER...: scadactl login, answers on stdin
	st=$1 u=$2
	shift 2
	printf '%s\n' "$@" | SCADA_STATION=$st "$SCADACTL" login "$u" \
	    >"$T/out" 2>"$T/err"
}
ctl_login a1 expired pw && fail "an expired account logged in"
grep -q 'account may not log in: account expired' "$T/err" ||
    fail "expired: $(cat "$T/err")"
ctl_login a2 locked pw && fail "a locked account logged in"
grep -q 'this account may not log in now' "$T/err" ||
    fail "locked: $(cat "$T/err")"
ctl_login a3 mustchange old old new1 new1 ||
    fail "password change: $(cat "$T/out" "$T/err")"
grep -q '^mustchange:new1:accounts$' "$P2/pam/matrix.db" ||
    fail "the new password was not stored: $(cat "$P2/pam/matrix.db")"
# Modules see the station's address as the remote host (numeric: no DNS
# lookup of a station name, which can stall a login where no DNS
# answers) and its name as SCADA_STATION.
grep -q '^PAM_RHOST=127\.0\.0\.1$' "$P2/pam/env.log" &&
    grep -q '^SCADA_STATION=a3$' "$P2/pam/env.log" ||
    fail "PAM's items: $(cat "$P2/pam/env.log")"
"$SCADACTL" logout
stop "$SCADAD_PID"

# A PAM stack that cannot run: a clear error, and the server serves on.
P3=$T/broken
make_project "$P3"
project_login "$P3"
printf 'auth required pam_no_such_module.so\n' >"$P3/pam/scada"
start_scadad "$P3" scadad-broken
ctl_login b1 operator operator && fail "a broken PAM stack let someone in"
grep -q 'PAM: ' "$T/err" || fail "broken stack: $(cat "$T/err")"
ctl_login b1 operator operator
grep -q 'PAM: ' "$T/err" || fail "a broken stack throttles: $(cat "$T/err")"
"$SCADACTL" ping >/dev/null || fail "the server stopped after a PAM error"
stop "$SCADAD_PID"

# A project named by a relative path: the helper, which works in the
# project's folder, still finds the PAM service.
make_project "$T/rel"
project_login "$T/rel"
spawn scadad-rel sh -c 'cd "$1" && exec "$2" -f -c rel -E "$3"' sh "$T" \
    "$SCADAD" "$T/rel.endpoints"
wait_for 10 test -s "$T/rel.endpoints" || fail "scadad -c rel did not start"
SCADA_SERVER=$(awk '$1 == "command" { print $2 }' "$T/rel.endpoints") \
    ctl_login r1 operator operator ||
    fail "login with a relative project path: $(cat "$T/err")"
stop "$LAST_PID"

# Started as root with -u, scadad gives it up; only the helper keeps it.
P4=$T/dropped
make_project "$P4"
project_login "$P4"
chmod -R a+rX "$T"
if [ "$(id -u)" -eq 0 ] &&
    ! runuser -u nobody -- test -r "$P4/project.ini" 2>/dev/null; then
	# A root directory only root may enter (some chroots) leaves
	# nobody nothing to read.
	echo "# nobody cannot read $P4: -u not tested"
elif [ "$(id -u)" -eq 0 ]; then
	mkdir "$T/anyone" && chmod 777 "$T/anyone"
	mkdir -m 755 "$T/piddir"	# nobody may not remove a file here
	spawn scadad-u "$SCADAD" -f -u nobody -c "$P4" -E "$T/anyone/endpoints" \
	    -p "$T/piddir/scadad.pid"
	wait_for 10 test -s "$T/anyone/endpoints" ||
	    fail "scadad -u nobody did not start"
	SCADA_SERVER=$(awk '$1 == "command" { print $2 }' "$T/anyone/endpoints")
	pid=$LAST_PID
	[ "$(ps -o user= -p "$pid")" = nobody ] || fail "scadad kept root"
	[ "$(ps -o user= -p "$(pgrep -P "$pid" | head -1)")" = root ] ||
	    fail "the login helper is not root"
	ctl_login u1 operator operator ||
	    fail "login on a server without root: $(cat "$T/err")"
	"$SCADACTL" write tank1.level_sp 48 >/dev/null 2>&1
	"$SCADACTL" logout
	[ "$(stat -c %U "$P4/data/audit.db")" = nobody ] ||
	    fail "the audit trail is not the server's user's"
	# The PID file, which nobody may not remove, the helper removes.
	[ -s "$T/piddir/scadad.pid" ] || fail "no PID file"
	stop "$pid"
	wait_for 5 sh -c "! test -e '$T/piddir/scadad.pid'" ||
	    fail "the PID file outlived scadad -u"
else
	echo "# not root: -u not tested"
fi
echo ok
