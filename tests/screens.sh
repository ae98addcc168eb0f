#!/bin/sh
# Screens on the server: the demo's load and are listed and served
# (scadactl screens), an unknown one is a typed error; every kind of
# mistake in a screen file or a station's settings is refused at start
# with file:line.
. "$top_srcdir/tests/lib.sh"

start_plant
"$SCADACTL" screens >"$T/out" || fail "scadactl screens"
grep -q '^overview  *Tank 1 overview  *Tank 1 Übersicht' "$T/out" ||
    fail "the list: $(cat "$T/out")"
"$SCADACTL" screens detail >"$T/out" || fail "scadactl screens detail"
head -1 "$T/out" | grep -q '^Tank 1 detail$' || fail "the title: $(head -1 "$T/out")"
grep -q '^back  *link .* overview' "$T/out" || fail "the fields: $(cat "$T/out")"
grep -q '@' "$T/out" && fail "a marker left in the picture: $(cat "$T/out")"
"$SCADACTL" -j screens overview | grep -q '"kind":"vbar"' || fail "-j screens overview"
"$SCADACTL" screens -f json | grep -q '"start":"overview"' || fail "screens -f json"
"$SCADACTL" screens nowhere 2>"$T/err"
[ $? -eq 3 ] && grep -q "no screen 'nowhere'" "$T/err" ||
    fail "an unknown screen: $(cat "$T/err")"
stop "$SCADAD_PID"

# bad FILE TEXT PATTERN: FILE (a screen, or the project) changed so, the
# project is refused, saying PATTERN.
P=$T/project
cp "$P/screens/overview.screen" "$T/overview.good"
cp "$P/project.ini" "$T/project.good"
bad() {
	"$SCADAD" -n -c "$P" >"$T/out" 2>&1 && fail "accepted: $2"
	grep -q -- "$2" "$T/out" || fail "for $1: $(cat "$T/out")"
	cp "$T/overview.good" "$P/screens/overview.screen"
	cp "$T/project.good" "$P/project.ini"
}
S=$P/screens/overview.screen
line() { grep -n -- "$1" "$S" | head -1 | cut -d: -f1; }

sed -i 's/^tag = tank1.inflow$/tag = tank1.nope/' "$S"
bad tag "overview.screen:[0-9]*: field inflow: unknown tag 'tank1.nope'"
sed -i 's/^tag = tank1.level_sp$/tag = tank1.level/' "$S"
bad input "field lsp: tank1.level is not writable"
sed -i 's/^screen = detail$/screen = nowhere/' "$S"
bad link "field detail: no screen 'nowhere'"
sed -i 's/@inflow\.\.\.\.\.\.\./@zz........../' "$S"
bad marker "marker @zz has no \\[field zz\\]"
printf '[field extra]\ntag = tank1.level\n' >>"$S"
bad unplaced "field extra is not in the layout (no @extra)"
sed -i '/^\[field inlet\]$/,/^$/s/^states_de = ZU AUF$/states_de = ZU AUF\nwidth = 60/' "$S"
bad overlap "field level overlaps field inlet"
sed -i '/^\[field lvb\]$/,/^$/s/^min = 0$/min = 100/' "$S"
bad bar "field lvb: a bar needs min below max"
sed -i 's/^\[layout\]$/[layout]\n@@ mail/' "$S"
"$SCADAD" -n -c "$P" >/dev/null 2>&1 || fail "@@ refused: $("$SCADAD" -n -c "$P" 2>&1)"
sed -i '/^\[field pon\]$/,/^$/s/^value = true$/value = maybe/' "$S"
bad button "field pon: value: "
sed -i '/^\[field pon\]$/,/^$/s/^tag = tank1.pump$/tag = tank1.level_sp/; /^\[field pon\]$/,/^$/s/^value = true$/value = 99/' "$S"
bad button-range "field pon: value 99 is out of tank1.level_sp's range 5..95"
printf '\357\273\277' | cat - "$T/overview.good" >"$S"
"$SCADAD" -n -c "$P" >/dev/null 2>&1 || fail "a BOM refused: $("$SCADAD" -n -c "$P" 2>&1)"
cp "$T/overview.good" "$S"
sed -i "s/^\[layout\]\$/[layout]\n$(printf '%0401d' 0)/" "$S"
bad wide "a layout line of more than 400 columns"
cp "$T/overview.good" "$S"
printf 'frob = 1\n' >>"$S"
bad key "$S:[0-9]*: unknown key 'frob' in \\[field\\]"
sed -i 's/^start = overview$/start = nowhere/' "$P/project.ini"
bad start "\\[screens\\] start: no screen 'nowhere'"
sed -i 's|^files = .*|files = screens/missing.screen|' "$P/project.ini"
bad file "screens/missing.screen: No such file"
printf '[station op9]\ntoolbar = F13=tags\n' >>"$P/project.ini"
bad toolbar "project.ini:[0-9]*: \\[station op9\\] toolbar: 'F13=tags' is not F1..F12=action"
printf '[station op9]\ntoolbar = F3=screen:nowhere\n' >>"$P/project.ini"
bad toolbar-screen "\\[station op9\\] toolbar: F3=screen:nowhere: no screen 'nowhere'"
printf '[station op9]\nblocked_keys = reboot\n' >>"$P/project.ini"
bad blocked "blocked_keys: 'reboot' is not one of: quit suspend"
echo ok
