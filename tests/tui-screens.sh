#!/bin/sh
# Process screens in tmux, against a real scadad and scadasim: stations
# start on the project's start screen, drawn as the screen file says
# (compared at 80x24 in ASCII with tests/screens/overview-80x24.txt,
# digits masked); a setpoint written through a screen's input shows on
# the other station; a typo keeps its prompt; a button asks first;
# links, back and forward; an alarm marks its tag's field with '!'; a
# lost server marks every field '~' and a lost PLC reads BAD; a station whose start screen does not
# exist starts on the overview and says so; one set to German shows
# the German texts, l switches at run time; one with a title, toolbar
# and blocked keys shows and obeys them; scadatui.conf gives the link
# and terminal overrides, its errors named file:line; a change of the project
# reaches running stations on SIGHUP; a resize below the
# picture's width says so and recovers.
. "$top_srcdir/tests/lib.sh"

export LC_ALL=C.UTF-8 TERM=xterm
start_sim
make_project
fixed_ports
# tank1.temp_sp is marked critical: a write needs a second yes.
sed -i -e '/^name,/s/$/,critical/' -e '/^tank1.temp_sp,/s/$/,yes/' \
    "$T/project/tags.csv"
printf '[station opm]\nstart_screen = nowhere\n[station opd]\nlanguage = de\n' \
    >>"$T/project/project.ini"
printf '%s\n' '[station opt]' 'title = Control room 1' 'colours = mono' \
    'toolbar = F7=screen:detail F8=alarms F9=back' \
    'blocked_keys = quit suspend' 'min_cols = 90' \
    '[station opdet]' 'start_screen = detail' >>"$T/project/project.ini"
# The German catalogue, as installed it would be.
mkdir -p "$T/locale/de/LC_MESSAGES"
msgfmt -o "$T/locale/de/LC_MESSAGES/scada.mo" "$top_srcdir/po/de.po" ||
    fail "msgfmt"
start_scadad
wait_for 10 tag_good tank1.level || fail "no PLC"
tui_start a 100 30 SCADA_STATION=opa
tui_start b 80 24 SCADA_STATION=opb LC_ALL=C
for s in a b; do
	wait_for 10 on_screen 'Tank 1 overview' $s ||
	    fail "station $s: no start screen: $(cat "$T/screen")"
done

# The picture, as drawn at 80x24 without UTF-8, the plant held still
# (its numbers and the tank's fill masked).
for w in auto=false inlet=false pump=false heater_auto=false heater=false; do
	"$SCADACTL" write "tank1.${w%=*}" "${w#*=}" >/dev/null ||
	    fail "write tank1.$w"
done
"$SCADACTL" alarms ack -A >/dev/null
wait_for 5 on_screen 'PUMP  STOPPED' b && wait_for 5 on_screen 'HEATER     OFF' b ||
    fail "the plant not held: $(cat "$T/screen")"
screen b
sed -n '2,16p' "$T/screen" | sed -e 's/ *[0-9][0-9.]*/ N/g' -e 's/ *$//' \
    -e 's/|[ #_=]\{14\}|/|..............|/' >"$T/picture"
diff -u "$top_srcdir/tests/screens/overview-80x24.txt" "$T/picture" ||
    fail "the overview at 80x24 is not as expected"

# The detail screen at 80x24, and the overview on other terminals.
tui_start det 80 24 SCADA_STATION=opdet LC_ALL=C
wait_for 10 on_screen 'Tank 1 detail' det || fail "no detail: $(cat "$T/screen")"
wait_for 5 on_screen 'High level  *OK' det || fail "detail values: $(cat "$T/screen")"
screen det
sed -n '2,14p' "$T/screen" | sed -e 's/ *[0-9][0-9.]*/ N/g' -e 's/ *$//' \
    -e 's/#\{1,\}\.*/BAR/' >"$T/picture"
diff -u "$top_srcdir/tests/screens/detail-80x24.txt" "$T/picture" ||
    fail "the detail at 80x24 is not as expected"
for term in vt100 screen linux; do
	tui_start "t-$term" 80 24 SCADA_STATION=opb TERM=$term LC_ALL=C
	wait_for 10 on_screen 'INLET VALVE' "t-$term" ||
	    fail "TERM=$term: $(cat "$T/screen")"
	tm kill-session -t "t-$term"
done

# The setpoint through the screen's input, seen on the other station.
on_screen 'tank1.level_sp = .*Enter writes a new value' a ||
    fail "the setpoint is not selected first: $(tail -1 "$T/screen")"
tm send-keys -t a: Enter
wait_for 2 on_screen 'New value for tank1.level_sp \[5..95 %\]' a ||
    fail "no value prompt: $(tail -1 "$T/screen")"
tm send-keys -t a: abc Enter
wait_for 2 on_screen 'abc' a && on_screen 'New value for' a ||
    fail "a typo closed the prompt: $(tail -2 "$T/screen")"
tm send-keys -t a: C-u 99 Enter
wait_for 2 on_screen 'out of range' a || fail "99 taken: $(tail -2 "$T/screen")"
tm send-keys -t a: C-u 70 Enter
wait_for 3 on_screen 'SETPOINT  *70.0 %' b ||
    fail "station b did not see the setpoint: $(cat "$T/screen")"
[ "$("$SCADACTL" read tank1.level_sp | awk '{ print $2 }')" = 70 ] ||
    fail "the setpoint: $("$SCADACTL" read tank1.level_sp)"

# A critical tag: a typo and the range are corrected first, then the
# write is asked about once more.
tm send-keys -t a: Tab
wait_for 2 on_screen 'tank1.temp_sp = .*Enter writes a new value' a ||
    fail "the temperature setpoint not selected: $(tail -1 "$T/screen")"
tm send-keys -t a: Enter 99 Enter
wait_for 2 on_screen 'out of range' a || fail "99 for temp_sp: $(tail -2 "$T/screen")"
on_screen 'is critical' a && fail "asked about a value out of range"
tm send-keys -t a: C-u 55 Enter
wait_for 2 on_screen 'tank1.temp_sp is critical: write 55? (y/n)' a ||
    fail "a critical tag written without asking: $(tail -2 "$T/screen")"
tm send-keys -t a: y
wait_for 3 sh -c '[ "$("$0" read tank1.temp_sp | awk "{ print \$2 }")" = 55 ]' \
    "$SCADACTL" || fail "the critical write: $("$SCADACTL" read tank1.temp_sp)"

# A button asks first; n writes nothing.
tm send-keys -t a: Tab
wait_for 2 on_screen 'tank1.pump = .*Enter writes true' a ||
    fail "START not selected: $(tail -1 "$T/screen")"
tm send-keys -t a: Enter
wait_for 2 on_screen 'Write tank1.pump := true? (y/n)' a ||
    fail "the button did not ask: $(tail -1 "$T/screen")"
tm send-keys -t a: n
wait_for 2 on_screen 'cancelled' a || fail "n: $(tail -1 "$T/screen")"

# Links, back and forward.
tm send-keys -t a: Tab Tab
wait_for 2 on_screen 'Enter shows screen detail' a ||
    fail "the link not selected: $(tail -1 "$T/screen")"
tm send-keys -t a: Enter
wait_for 3 on_screen 'Tank 1 detail' a || fail "no detail screen: $(cat "$T/screen")"
on_screen 'Level bar  *#*' a || true
tm send-keys -t a: BSpace
wait_for 3 on_screen 'Tank 1 overview' a || fail "Backspace did not go back"
tm send-keys -t a: ']'
wait_for 3 on_screen 'Tank 1 detail' a || fail "] did not go forward"
tm send-keys -t a: '['
wait_for 3 on_screen 'Tank 1 overview' a || fail "[ did not go back"

# An alarm marks the field of its tag.
"$SCADACTL" write tank1.pump true >/dev/null &&
    wait_for 3 on_screen 'PUMP  RUNNING' a &&
    "$SCADACTL" write tank1.pump false >/dev/null || fail "pump on, off"
wait_for 3 on_screen 'PUMP !STOPPED' a || fail "no alarm mark: $(cat "$T/screen")"
"$SCADACTL" alarms ack -A >/dev/null
wait_for 3 on_screen 'PUMP  STOPPED' a || fail "the mark stayed after the ack"

# The server gone: the banner, and every value marked stale; back, the
# screen is current again.
stop "$SCADAD_PID"
wait_for 10 on_screen 'COMMUNICATION LOST' a || fail "no banner: $(cat "$T/screen")"
wait_for 5 on_screen 'LEVEL  *~' a || fail "no stale mark: $(cat "$T/screen")"
on_screen 'INLET VALVE ~' a || fail "a state field not marked: $(cat "$T/screen")"
start_scadad
wait_for 15 on_screen ' ONLINE ' a || fail "not back online: $(cat "$T/screen")"
on_screen 'LEVEL  *~' a && fail "stale marks after the return: $(cat "$T/screen")"

# A lost PLC: its values read BAD, the level bar too.
stop "$SIM_PID"
wait_for 15 on_screen 'LEVEL  *BAD' a || fail "no BAD: $(cat "$T/screen")"
on_screen '|  ??????????  |' a || on_screen '│  ??????????  │' a ||
    fail "the level bar shows a bad value as a level: $(cat "$T/screen")"

# A station whose start screen is missing starts on the overview.
tui_start m 100 30 SCADA_STATION=opm
wait_for 10 on_screen "start screen 'nowhere' does not exist" m ||
    fail "no word of the missing screen: $(tail -2 "$T/screen")"
on_screen 'Tank 1 overview' m || fail "not on the overview: $(head -1 "$T/screen")"

# A station the project sets to German: its texts, the screen's and the
# program's; l switches to English and back while it runs.
tui_start g 100 30 SCADA_STATION=opd SCADA_LOCALEDIR="$T/locale" LC_ALL=C
wait_for 10 on_screen 'Tank 1 Uebersicht' g ||
    fail "not German: $(cat "$T/screen")"
on_screen 'Tab:Wahl' g || fail "the program's texts not German: $(tail -2 "$T/screen")"
on_screen 'Details >' g || fail "no link label: $(cat "$T/screen")"
tm send-keys -t g: l
wait_for 3 on_screen 'Tank 1 overview' g || fail "l: $(cat "$T/screen")"
on_screen 'Language: English' g || fail "l said nothing: $(tail -1 "$T/screen")"
tm send-keys -t g: l
wait_for 3 on_screen 'Sprache: Deutsch' g || fail "l again: $(tail -1 "$T/screen")"

# A station the project gives a title, a function-key bar and blocked
# keys: q and Ctrl-C do not quit it, F7 shows the detail, F9 goes back.
tui_start t 100 30 SCADA_STATION=opt
wait_for 10 on_screen '^ Control room 1 ' t || fail "no title: $(head -1 "$T/screen")"
on_screen 'F7 detail  F8 alarms  F9 back' t ||
    fail "no toolbar: $(tail -2 "$T/screen")"
tm send-keys -t t: q
wait_for 2 on_screen 'Quitting is blocked on this station' t ||
    fail "q: $(tail -2 "$T/screen")"
tm send-keys -t t: C-c
sleep 0.5
on_screen 'exit status' t && fail "Ctrl-C quit a station that blocks it"
tm send-keys -t t: F7
wait_for 3 on_screen 'Tank 1 detail' t || fail "F7: $(head -1 "$T/screen")"
tm send-keys -t t: F9
wait_for 3 on_screen 'Tank 1 overview' t || fail "F9: $(head -1 "$T/screen")"
tm send-keys -t t: F8
wait_for 3 on_screen 'Priority State' t || fail "F8: $(cat "$T/screen")"
# Narrower than the project wants for this station: said so.
tm resize-window -t t: -x 85 -y 30
wait_for 3 on_screen 'needs 90 x 30' t || fail "min_cols: $(cat "$T/screen")"
tm resize-window -t t: -x 100 -y 30
wait_for 3 on_screen 'Priority State' t || fail "back to 100: $(cat "$T/screen")"
# Esc and a digit, for a terminal without function keys: Esc 7 is F7.
tm send-keys -t t: Escape 7
wait_for 3 on_screen 'Tank 1 detail' t || fail "Esc 7: $(head -1 "$T/screen")"

# The link and the terminal's overrides from scadatui.conf alone: no -s,
# no SCADA_SERVER; ASCII lines on a UTF-8 terminal; the station's name.
printf '%s\n' "# the station's own" "server = $SERVER" 'station = opt' \
    'ascii = yes' 'colour = no' >"$T/tui.conf"
tm new-session -d -s f -x 100 -y 30 "env -u SCADA_SERVER -u SCADA_STATION \
    $SCADATUI -f $T/tui.conf; echo exit status \$?; sleep 60"
wait_for 10 on_screen '^ Control room 1 ' f ||
    fail "scadatui.conf's link and station: $(cat "$T/screen")"
wait_for 5 on_screen '+------+-------+' f ||
    fail "ascii = yes drew UTF-8: $(cat "$T/screen")"
printf 'server = %s\nfrob = 1\n' "$SERVER" >"$T/bad.conf"
"$SCADATUI" -f "$T/bad.conf" </dev/null >"$T/out" 2>&1
[ $? -eq 1 ] && grep -q "bad.conf:2: unknown key 'frob'" "$T/out" ||
    fail "a bad scadatui.conf: $(cat "$T/out")"
"$SCADATUI" -f "$T/nowhere.conf" </dev/null >"$T/out" 2>&1
[ $? -eq 1 ] && grep -q "nowhere.conf: No such file" "$T/out" ||
    fail "a missing scadatui.conf: $(cat "$T/out")"

# The project changed and scadad told (SIGHUP): the station's language
# and a screen's title change on the running stations; a project with
# an error changes nothing, and says why.
sed -i 's/^language = de$/language = en/' "$T/project/project.ini"
sed -i 's/^title = Tank 1 overview$/title = Tank 1 at a glance/' \
    "$T/project/screens/overview.screen"
kill -HUP "$SCADAD_PID"
wait_for 10 on_screen 'Tank 1 at a glance' g ||
    fail "the reload did not reach station g: $(cat "$T/screen")"
wait_for 5 on_screen 'Tank 1 at a glance' a ||
    fail "the reload did not reach station a: $(head -1 "$T/screen")"
grep -q 'reloaded .*generation 2' "$T/scadad.log" ||
    fail "no reload logged: $(cat "$T/scadad.log")"
printf 'frobnicate = 1\n' >>"$T/project/project.ini"
kill -HUP "$SCADAD_PID"
wait_for 5 grep -q "reload: .*unknown key 'frobnicate'.*the project in use stays" \
    "$T/scadad.log" || fail "a bad reload: $(tail -3 "$T/scadad.log")"
"$SCADACTL" read tank1.level_sp >/dev/null || fail "scadad after a bad reload"

# Narrower than the picture: said; wide again: drawn again.
tm resize-window -t a: -x 60 -y 24
wait_for 3 on_screen 'too small' a || fail "60 columns: $(cat "$T/screen")"
tm resize-window -t a: -x 100 -y 30
wait_for 3 on_screen 'INLET VALVE' a || fail "not redrawn: $(cat "$T/screen")"
echo ok
