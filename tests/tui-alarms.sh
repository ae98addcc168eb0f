#!/bin/sh
# Alarms at two operator stations in tmux: a new alarm shows on the
# alarm line of both, with its priority and message; acknowledged in
# the alarm view of one (a, Enter), it is acknowledged on the other at
# once; cleared, it leaves both, and the alarm line goes. Shelved from
# one with a time and a reason (S), it is shelved on both.
. "$top_srcdir/tests/lib.sh"

export LC_ALL=C.UTF-8 TERM=xterm
start_sim
make_project
start_scadad
wait_for 10 tag_good tank1.level || fail "no PLC"
tui_start a 100 24
tui_start b 100 24
wait_for 10 on_screen ONLINE a && wait_for 10 on_screen ONLINE b ||
    fail "stations not online"
on_screen ' ALARMS ' a && fail "an alarm line without alarms"

"$SCADACTL" write tank1.auto false >/dev/null &&
    "$SCADACTL" write tank1.pump false >/dev/null || fail "pump off"
for s in a b; do
	wait_for 3 on_screen 'ALARMS  low 1/1  ! Tank 1 outlet pump stopped' $s ||
	    fail "station $s has no alarm line: $(tail -3 "$T/screen")"
done

tm send-keys -t a a
wait_for 2 on_screen '! low     unack .*tank1.pump:state' a ||
    fail "no alarm view: $(cat "$T/screen")"
tm send-keys -t a Enter
wait_for 2 on_screen '1 acknowledged' a || fail "no acknowledgement: $(tail -2 "$T/screen")"
wait_for 2 on_screen 'ALARMS  low 0/1' b ||
    fail "the other station missed the acknowledgement: $(tail -3 "$T/screen")"
tm send-keys -t b a
wait_for 2 on_screen '  low     acked .*tank1.pump:state' b ||
    fail "acked not listed on the other station: $(cat "$T/screen")"

"$SCADACTL" write tank1.pump true >/dev/null || fail "pump on"
for s in a b; do
	wait_for 3 on_screen 'No alarms' $s ||
	    fail "station $s still lists the alarm: $(cat "$T/screen")"
	on_screen ' ALARMS ' $s && fail "station $s kept its alarm line"
done
# Shelved from the station, with a time and a reason: shelved on both.
"$SCADACTL" write tank1.pump false >/dev/null || fail "pump off again"
wait_for 3 on_screen '! low     unack .*tank1.pump:state' a ||
    fail "the alarm again: $(cat "$T/screen")"
tm send-keys -t a S
wait_for 2 on_screen 'Shelve for minutes' a || fail "no shelve prompt"
tm send-keys -t a C-u 5 Enter
wait_for 2 on_screen 'Reason:' a || fail "no reason prompt: $(tail -1 "$T/screen")"
tm send-keys -t a Enter
wait_for 2 on_screen 'Shelving needs a reason' a || fail "an empty reason taken"
tm send-keys -t a 'pump service' Enter
wait_for 3 on_screen '  low     shelved .*tank1.pump:state' b ||
    fail "not shelved on the other station: $(cat "$T/screen")"
"$SCADACTL" -j alarms -s shelved | grep -q '"shelve_reason":"pump service"' ||
    fail "the reason: $("$SCADACTL" -j alarms 2>&1)"
echo ok
