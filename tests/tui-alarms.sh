#!/bin/sh
# Alarms at two operator stations in tmux: a new alarm shows on the
# alarm line of both, with its priority and message; acknowledged in
# the alarm view of one (a, Enter), it is acknowledged on the other at
# once; cleared, it leaves both, and the alarm line goes. The bell rings
# as the project sets it for each station. Shelved from
# one with a time and a reason (S), it is shelved on both. f and p show
# one area or the more urgent only, and A acknowledges only what they
# show. The journal (J) lists the transitions, follows new ones, and
# searches (/) and takes a time range (T).
. "$top_srcdir/tests/lib.sh"

export LC_ALL=C.UTF-8 TERM=xterm
start_sim
make_project
# Station b rings for every new alarm; a, as the project says, for high
# and urgent ones only.
printf '[station opb]\nbell = low\n' >>"$T/project/project.ini"
start_scadad
wait_for 10 tag_good tank1.level || fail "no PLC"
tui_start a 100 24 SCADA_STATION=opa
tui_start b 100 24 SCADA_STATION=opb
wait_for 10 on_screen ONLINE a && wait_for 10 on_screen ONLINE b ||
    fail "stations not online"
on_screen ' ALARMS ' a && fail "an alarm line without alarms"

"$SCADACTL" write tank1.auto false >/dev/null &&
    "$SCADACTL" write tank1.pump false >/dev/null || fail "pump off"
for s in a b; do
	wait_for 3 on_screen 'ALARMS  low 1/1  ! Tank 1 outlet pump stopped' $s ||
	    fail "station $s has no alarm line: $(tail -3 "$T/screen")"
done
bell() { tm display -p -t "$1" '#{window_bell_flag}'; }
[ "$(bell b)" = 1 ] || fail "station b did not ring for a low alarm"
[ "$(bell a)" = 0 ] || fail "station a rang for a low alarm"

# The tag list marks the tag whose alarm waits, as every view does.
tm send-keys -t b t
wait_for 2 on_screen '^! tank1.pump ' b || fail "no '!' in the tag list: $(cat "$T/screen")"

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

# Filters: the low alarm is not urgent, nor of tank2; A then takes none.
"$SCADACTL" alarms unshelve tank1.pump:state >/dev/null || fail "unshelve"
"$SCADACTL" write tank1.pump true >/dev/null || fail "pump on again"
"$SCADACTL" alarms ack -A >/dev/null
wait_for 3 on_screen 'No alarms' a || fail "the alarm stayed: $(cat "$T/screen")"
"$SCADACTL" write tank1.pump false >/dev/null || fail "pump off a third time"
wait_for 3 on_screen '! low     unack .*tank1.pump:state' b ||
    fail "no alarm for the filters: $(cat "$T/screen")"
tm send-keys -t b p
wait_for 2 on_screen 'Alarms (urgent)' b || fail "p: $(head -1 "$T/screen")"
on_screen 'No alarms shown' b || fail "p showed a low alarm: $(cat "$T/screen")"
tm send-keys -t b p p
wait_for 2 on_screen 'Alarms (medium or more)' b || fail "p p p: $(head -1 "$T/screen")"
tm send-keys -t b p f tank2 Enter
wait_for 2 on_screen 'Alarms (area tank2)' b || fail "f: $(head -1 "$T/screen")"
on_screen 'No alarms shown' b || fail "f showed tank1's alarm"
tm send-keys -t b A
sleep 1
"$SCADACTL" -j alarms | grep -q '"state":"unack"' ||
    fail "A acknowledged an alarm the filter hid"
tm send-keys -t b f C-u tank1 Enter
wait_for 2 on_screen '! low     unack .*tank1.pump:state' b ||
    fail "f tank1 hid the alarm: $(cat "$T/screen")"
tm send-keys -t b A
wait_for 2 on_screen 'ALARMS  low 0/1' a || fail "A on tank1 did not acknowledge"

# The journal, newest first; it follows the alarm as it clears.
tm send-keys -t a J
wait_for 3 on_screen '^....-..-.. ..:..:.. ack .*tank1.pump:state' a ||
    fail "no journal: $(cat "$T/screen")"
"$SCADACTL" write tank1.pump true >/dev/null || fail "pump on for the journal"
wait_for 5 sh -c "tmux -S '$TMUX_SOCK' capture-pane -p -t a | sed -n 3p |
    grep -q 'clear .*tank1.pump:state'" ||
    fail "the journal did not follow: $(cat "$T/screen")"
tm send-keys -t a / 'pump service' Enter
wait_for 3 on_screen "Alarm journal ('pump service')" a ||
    fail "no search: $(head -1 "$T/screen")"
wait_for 3 on_screen 'shelve .*tank1.pump:state' a || fail "search: $(cat "$T/screen")"
on_screen ' clear ' a && fail "the search showed what does not match"
tm send-keys -t a / C-u Enter T abc Enter
wait_for 2 on_screen "'abc' is not a time" a || fail "a bad time taken"
tm send-keys -t a C-u 1d Enter 2h Enter
wait_for 3 on_screen 'No entries' a || fail "the range showed what is newer: $(cat "$T/screen")"
tm send-keys -t a T 1h Enter Enter
wait_for 3 on_screen ' clear .*tank1.pump:state' a ||
    fail "the last hour: $(cat "$T/screen")"
echo ok
