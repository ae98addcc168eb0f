#!/bin/sh
# Logging in at the operator station: the two-prompt conversation under
# expect (tests/tui-login.exp); then in tmux, the password never on the
# screen, what a user may not write refused before it is sent, logout
# (L), switching user (U, Esc keeps the user), and a session an admin
# ends sending the station back to its login view.
. "$top_srcdir/tests/lib.sh"

[ -n "${EXPECT:-}" ] || fail "expect not found by configure"
export LC_ALL=C.UTF-8 TERM=xterm SCADA_STATION=op1
export TOTP_KEY=3132333435363738393031323334353637383930
start_sim
make_project
no_screens
project_login
fixed_ports
sed -i 's/^throttle_ms = .*/throttle_ms = 0/' "$T/project/project.ini"
start_scadad
SCADATUI=$SCADATUI "$EXPECT" -f "$top_srcdir/tests/tui-login.exp" ||
    fail "the login conversation (expect)"

tui_start tui 100 24 SCADA_STATION=op1
wait_for 5 on_screen 'User:' || fail "no login view: $(cat "$T/screen")"
on_screen 'NOT LOGGED IN' || fail "no NOT LOGGED IN state"
tm send-keys viewer Enter
wait_for 3 on_screen 'Password:' || fail "no password prompt"
tm send-keys viewer
sleep 0.3
screen
grep -q 'Password: *viewer' "$T/screen" && fail "the password shows as typed"
tm send-keys Enter
wait_for 5 on_screen 'viewer@op1' || fail "viewer not logged in: $(cat "$T/screen")"
wait_for 5 row_has tank1.level_sp good || fail "no values for viewer"
tm send-keys g j Enter
wait_for 2 on_screen 'viewer may not write tank1.level_sp' ||
    fail "a write viewer may not make: $(tail -2 "$T/screen")"

# U: another user's login; Esc goes back to the one logged in.
tm send-keys U
wait_for 2 on_screen 'Switch user' || fail "no switch-user view"
tm send-keys Escape
wait_for 2 on_screen 'viewer@op1' || fail "Esc did not keep viewer"
wait_for 2 sh -c "! tmux -S '$TMUX_SOCK' capture-pane -p -t tui | grep -q 'Switch user'" ||
    fail "the switch view stayed"
tm send-keys U operator Enter
wait_for 3 on_screen 'Password:' || fail "switch: no password prompt"
tm send-keys operator Enter
wait_for 5 on_screen 'operator@op1' || fail "switch to operator: $(cat "$T/screen")"
"$SCADACTL" -j sessions 2>/dev/null | grep -q '"user":"viewer"' &&
    fail "viewer's session outlived the switch"

# An admin ends the session: the station knows at once. pam_oath takes
# a code once: the engineer's second login gives the next one.
next=$(oathtool --totp --now "$(date -d '+30 seconds' '+%F %T')" "$TOTP_KEY")
printf 'engineer\n%s\n' "$next" |
    SCADA_STATION=admin "$SCADACTL" login engineer >/dev/null ||
    fail "engineer login for the revoke"
id=$(SCADA_STATION=admin "$SCADACTL" -j sessions |
    sed -n 's/.*"id":"\([0-9a-f]*\)","user":"operator".*/\1/p' | head -1)
[ -n "$id" ] || fail "the operator's session not listed"
SCADA_STATION=admin "$SCADACTL" revoke "$id" || fail "revoke"
wait_for 3 on_screen 'operator was logged out by an administrator' ||
    fail "the station missed the revocation: $(tail -2 "$T/screen")"
wait_for 3 on_screen 'User:' || fail "not back at the login view"
# The login view keeps saying why it is back in its body, after the message line
# has been given to its prompt.
sleep 0.5
on_screen '^  operator was logged out by an administrator' ||
    fail "the login view forgot the revocation: $(cat "$T/screen")"

# L logs out.
tm send-keys viewer Enter
wait_for 3 on_screen 'Password:' || fail "no password prompt again"
tm send-keys viewer Enter
wait_for 5 on_screen 'viewer@op1' || fail "viewer again"
tm send-keys L
wait_for 3 on_screen 'NOT LOGGED IN' || fail "L did not log out"
wait_for 3 on_screen 'User:' || fail "no login view after L"
on_screen '\^C:quit' || fail "the login view's keys: $(tail -2 "$T/screen")"

# A server that restarts has forgotten every session: the station says
# so and asks for a login afresh, not as a switch of user.
tm send-keys viewer Enter
wait_for 3 on_screen 'Password:' || fail "no password prompt before the restart"
tm send-keys viewer Enter
wait_for 5 on_screen 'viewer@op1' || fail "viewer before the restart"
stop "$SCADAD_PID"
start_scadad
wait_for 10 on_screen 'viewer is no longer logged in' ||
    fail "the lost session unsaid: $(tail -2 "$T/screen")"
wait_for 5 on_screen 'Log in to' || fail "no fresh login view: $(cat "$T/screen")"
on_screen 'Switch user' && fail "a login after a restart taken as a switch"
sleep 0.5
on_screen '^  viewer is no longer logged in' ||
    fail "the login view forgot the lost session: $(cat "$T/screen")"
tm send-keys operator Enter
wait_for 3 on_screen 'Password:' || fail "no password prompt after the restart"
tm send-keys operator Enter
wait_for 5 on_screen 'operator@op1' ||
    fail "operator after the restart: $(cat "$T/screen")"
echo ok
