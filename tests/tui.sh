#!/bin/sh
# Two operator stations: one driven by expect under a pty, one in tmux
# read with capture-pane. A setpoint entered on the first appears on the
# second at once; losing the server marks the second stale within 3 s
# and it recovers by itself within 3 s of the server's return.
. "$top_srcdir/tests/lib.sh"

[ -n "${EXPECT:-}" ] || fail "expect not found by configure"
export LC_ALL=C.UTF-8 TERM=xterm

start_sim -c "$T/sim.ctl"
make_project
no_screens
fixed_ports
start_scadad
wait_for 10 tag_good tank1.level || fail "tank1.level never turned good"
PUB=$(awk '$1 == "publish" { print $2 }' "$T/endpoints")

tui_start tui 120 30
wait_for 10 on_screen "ONLINE" || fail "second station not online"
wait_for 10 on_screen "tank1.volume_out .* good" ||
    fail "second station shows no good values"
v1=$(row tank1.volume_out)
wait_for 10 sh -c "[ \"\$(tmux -S '$TMUX_SOCK' capture-pane -p |
    grep '^..tank1.volume_out ')\" != '$v1' ]" ||
    fail "values on the second station are not live"

SCADATUI=$SCADATUI "$EXPECT" -f "$top_srcdir/tests/tui.exp" ||
    fail "first station (expect)"
wait_for 5 row_has tank1.level_sp ' 43 ' ||
    fail "setpoint 43 not on the second station: $(row tank1.level_sp)"

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

# A text value is shown whole while the line has room for it: the
# device's last error, longer than a number's column.
wait_for 10 row_has sys.plc1.last_error 'timed out' ||
    fail "no last error: $(row sys.plc1.last_error)"
row sys.plc1.last_error | grep -q '…' &&
    fail "last error cut with room to spare: $(row sys.plc1.last_error)"

"$SCADASIM" -C "$T/sim.ctl" mute off >/dev/null || fail "cannot unmute"
wait_for 15 row_has tank1.level_sp ' 43 .* good' ||
    fail "the PLC did not come back: $(row tank1.level_sp)"

# Server lost without a word (SIGKILL): banner and stale values
# within 3 s, from heartbeat silence alone.
kill -9 "$SCADAD_PID"
wait_for 3 on_screen "COMMUNICATION LOST" || fail "no communication-lost banner"
row_has tank1.level_sp stale || fail "values not stale: $(row tank1.level_sp)"
# A write tried meanwhile is refused; the message goes with the loss.
tm send-keys g j Enter
wait_for 2 on_screen "Communication lost: cannot write tank1.level_sp" ||
    fail "no message for a write while the link is lost"

# Server back on the same endpoints: current again within 3 s, no action.
spawn scadad2 "$SCADAD" -f -c "$T/project" -C "$SERVER" -P "$PUB"
wait_for 3 on_screen " ONLINE " || fail "second station did not recover"
wait_for 3 row_has tank1.level_sp ' 43 .* good' ||
    fail "recovered value wrong: $(row tank1.level_sp)"
on_screen "Communication lost" &&
    fail "the link is back but the message line says it is lost"

# An orderly shutdown is announced: the station knows at once.
kill "$LAST_PID"
wait_for 1 on_screen "COMMUNICATION LOST" || fail "shutdown not shown at once"
tm send-keys q
wait_for 5 on_screen "exit status 0" || fail "second station did not quit: $(cat "$T/screen")"
echo ok
