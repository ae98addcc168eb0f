#!/bin/sh
# Two operator stations: one driven by expect under a pty, one in tmux
# read with capture-pane. A setpoint entered on the first appears on the
# second at once; losing the server marks the second stale within 3 s
# and it recovers by itself within 3 s of the server's return.
. "$top_srcdir/tests/lib.sh"

[ -n "${EXPECT:-}" ] || fail "expect not found by configure"
export LC_ALL=C.UTF-8 TERM=xterm
TMUX_SOCK=$T/tmux.sock
tm() { "${TMUX_BIN:-tmux}" -S "$TMUX_SOCK" "$@"; }

start_sim -c "$T/sim.ctl"
make_project
fixed_ports
start_scadad
wait_for 10 tag_good tank1.level || fail "tank1.level never turned good"
PUB=$(awk '$1 == "publish" { print $2 }' "$T/endpoints")

tm new-session -d -x 120 -y 30 "$SCADATUI -s $SERVER" ||
    fail "cannot start tmux"
screen() { tm capture-pane -p >"$T/screen"; }
on_screen() { screen; grep -q -- "$1" "$T/screen"; }
row() { screen; grep -- "^..$1 " "$T/screen"; }

wait_for 10 on_screen "ONLINE" || fail "second station not online"
wait_for 10 on_screen "tank1.volume_out .* good" ||
    fail "second station shows no good values"
v1=$(row tank1.volume_out)
wait_for 10 sh -c "[ \"\$(tmux -S '$TMUX_SOCK' capture-pane -p |
    grep '^..tank1.volume_out ')\" != '$v1' ]" ||
    fail "values on the second station are not live"

SCADATUI=$SCADATUI "$EXPECT" -f "$top_srcdir/tests/tui.exp" ||
    fail "first station (expect)"
wait_for 5 sh -c "tmux -S '$TMUX_SOCK' capture-pane -p |
    grep -q '^..tank1.level_sp  *42 '" ||
    fail "setpoint 42 not on the second station: $(row tank1.level_sp)"

# A write the PLC does not answer keeps the station waiting for its
# reply, never the operator: help opens and closes meanwhile, and the
# answer, when it comes, says the write failed.
"$SCADASIM" -C "$T/sim.ctl" mute on >/dev/null || fail "cannot mute the PLC"
tm send-keys g j Enter
wait_for 3 on_screen "New value for tank1.level_sp" || fail "no write prompt"
tm send-keys 30 Enter
wait_for 2 on_screen "Writing tank1.level_sp := 30 \.\.\." ||
    fail "no 'Writing' message: $(cat "$T/screen")"
tm send-keys '?'
wait_for 1 on_screen "Station keys" ||
    fail "help did not open while the write waited"
on_screen "Writing tank1.level_sp" || fail "the write was no longer waiting"
tm send-keys x
wait_for 1 sh -c "! tmux -S '$TMUX_SOCK' capture-pane -p | grep -q 'Station keys'" ||
    fail "help did not close while the write waited"
wait_for 15 on_screen "refused" || fail "the write's failure never came: $(cat "$T/screen")"
"$SCADASIM" -C "$T/sim.ctl" mute off >/dev/null || fail "cannot unmute"
wait_for 15 sh -c "tmux -S '$TMUX_SOCK' capture-pane -p |
    grep -q '^..tank1.level_sp  *42 .* good'" ||
    fail "the PLC did not come back: $(row tank1.level_sp)"

# Server lost without a word (SIGKILL): banner and stale values
# within 3 s, from heartbeat silence alone.
kill -9 "$SCADAD_PID"
wait_for 3 on_screen "COMMUNICATION LOST" || fail "no communication-lost banner"
row tank1.level_sp | grep -q stale || fail "values not stale: $(row tank1.level_sp)"

# Server back on the same endpoints: current again within 3 s, no action.
spawn scadad2 "$SCADAD" -f -c "$T/project" -C "$SERVER" -P "$PUB"
wait_for 3 on_screen " ONLINE " || fail "second station did not recover"
wait_for 3 sh -c "tmux -S '$TMUX_SOCK' capture-pane -p |
    grep -q '^..tank1.level_sp  *42 .* good'" ||
    fail "recovered value wrong: $(row tank1.level_sp)"

# An orderly shutdown is announced: the station knows at once.
kill "$LAST_PID"
wait_for 1 on_screen "COMMUNICATION LOST" || fail "shutdown not shown at once"
tm send-keys q
wait_for 5 sh -c "! tmux -S '$TMUX_SOCK' has-session 2>/dev/null" ||
    fail "second station did not quit"
echo ok
