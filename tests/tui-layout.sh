#!/bin/sh
# The operator station in terminals of every size and kind: a narrow one
# drops columns before it cuts a name or a value, and says how big it
# must be below that; the help scrolls; the title keeps the endpoint;
# a terminal without UTF-8 gets ASCII units in the same columns; one
# that cannot address the cursor is refused; keys that do nothing say
# so, and / filters the list.
. "$top_srcdir/tests/lib.sh"

export TERM=xterm
start_sim
make_project
no_screens
start_scadad
wait_for 10 tag_good tank1.level || fail "no PLC"
tui_start tui 120 30 LC_ALL=C.UTF-8
wait_for 10 on_screen " ONLINE " || fail "station not online"
wait_for 10 row_has tank1.level good || fail "no good values"

# 40 x 10: the two tank1.in... rows keep their whole names and values;
# Time, Quality go before the units.
tm resize-window -t tui -x 40 -y 10
tm send-keys -t tui g j j j j j
wait_for 2 row_has tank1.inflow '^  tank1.inflow  *[0-9.]* m³/h *$' ||
    fail "40 columns: $(row tank1.inflow)"
tm send-keys -t tui j j
wait_for 2 row_has tank1.inlet '^. tank1.inlet  *O[NF]F\{0,1\} *$' ||
    fail "40 columns: $(cat "$T/screen")"
on_screen 'Quality' && fail "40 columns: Quality kept before Units"
on_screen 'Units' || fail "40 columns: Units dropped: $(cat "$T/screen")"

# 20 x 5: one row, whose value is shown whole (ON or OFF, never O…).
tm resize-window -t tui -x 20 -y 5
wait_for 2 row_has tank1.inlet 'tank1.inlet  *\(ON\|OFF\)$' ||
    fail "20 columns: $(cat "$T/screen")"
# A name too long for 20 columns: the screen says how wide it must be.
tm send-keys -t tui G k k k k
wait_for 2 on_screen 'terminal too small' ||
    fail "20 columns, long name: $(cat "$T/screen")"
# Its words wrap over the lines there are.
words() { screen; tr '\n' ' ' <"$T/screen" | grep -q -- "$1"; }
words 'needs 27 x 5' || fail "the size it needs: $(cat "$T/screen")"
tm resize-window -t tui -x 15 -y 4
wait_for 2 words 'needs 20 x 5' || fail "15 x 4: $(cat "$T/screen")"

# Help at 40 x 10 scrolls and says there is more; it lists every key
# of the page.
tm resize-window -t tui -x 40 -y 10
tm send-keys -t tui '?'
wait_for 2 on_screen 'Help 1-[0-9]* of' || fail "help: $(cat "$T/screen")"
grep -q 'More below' "$T/screen" || fail "no hint of more help"
tm send-keys -t tui End
wait_for 2 on_screen 'End of help' || fail "help end: $(cat "$T/screen")"
tm send-keys -t tui q
tm resize-window -t tui -x 120 -y 40
tm send-keys -t tui '?'
wait_for 2 on_screen 'Ctrl-B, Ctrl-F' || fail "help without Ctrl-B/F"
for k in 'Home, End, g, G' '^ *│ /  '; do
	grep -q -- "$k" "$T/screen" || fail "help without $k: $(cat "$T/screen")"
done
tm send-keys -t tui q
wait_for 2 sh -c "! tmux -S '$TMUX_SOCK' capture-pane -p -t tui | grep -q 'Station keys'" ||
    fail "help did not close"

# The title keeps the endpoint whole; the other parts go first.
tm resize-window -t tui -x 60 -y 24
wait_for 2 sh -c "tmux -S '$TMUX_SOCK' capture-pane -p -t tui | head -1 |
    grep -qF '$SERVER'" || fail "title at 60: $(head -1 "$T/screen")"

# Keys that do nothing say so; Space on a number says what it is for.
tm send-keys -t tui x
wait_for 2 on_screen 'The key x does nothing here' ||
    fail "no word for an unknown key: $(tail -1 "$T/screen")"
tm send-keys -t tui g j Space
wait_for 2 on_screen 'Space switches on/off tags' ||
    fail "no word for Space on a number: $(tail -1 "$T/screen")"

# / shows the tags whose name or description contains the text; one that
# matches nothing is refused with the text kept; Esc shows every tag.
tm resize-window -t tui -x 120 -y 30
tm send-keys -t tui / inl Enter
wait_for 2 on_screen 'Tags with "inl" (2 of 20)' ||
    fail "filter: $(cat "$T/screen")"
[ "$(grep -c '^. tank1\.' "$T/screen")" = 2 ] ||
    fail "filter shows other rows: $(cat "$T/screen")"
tm send-keys -t tui / C-u xyzzy Enter
wait_for 2 on_screen 'No tag.s name or description contains "xyzzy"' ||
    fail "empty filter: $(cat "$T/screen")"
on_screen 'Show tags containing: xyzzy' || fail "filter text not kept"
tm send-keys -t tui Escape
tm send-keys -t tui Escape
wait_for 2 on_screen 'tank1.level_sp' || fail "Esc did not show every tag"

# Without UTF-8, ASCII units in the same columns as the others.
tui_start ascii 100 24 LC_ALL=C
wait_for 10 row_has tank1.temp 'degC .*good' ascii ||
    fail "LC_ALL=C: $(row tank1.temp ascii)"
row_has tank1.outflow 'm3/h .*good' ascii || fail "LC_ALL=C: m3/h"
col() { row "$1" ascii | awk '{ print index($0, " good") }'; }
[ "$(col tank1.temp)" = "$(col tank1.level)" ] &&
    [ "$(col tank1.outflow)" = "$(col tank1.level)" ] ||
    fail "LC_ALL=C columns shift: $(cat "$T/screen")"

# A terminal that cannot address the cursor: refused, exit 1.
tui_start dumb 80 24 TERM=dumb LC_ALL=C.UTF-8
wait_for 5 on_screen 'exit status 1' dumb || fail "TERM=dumb: $(cat "$T/screen")"
grep -q 'cannot move the cursor' "$T/screen" || fail "TERM=dumb: no reason"
echo ok
