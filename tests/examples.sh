#!/bin/sh
# The Python examples, run as a user would run them, against a real
# scadad: snapshot.py lists every tag, write.py writes a number, a
# switch and a text and prints what the PLC holds, watch.py sees the
# changes, resyncs after a lost update and comes back after a restart.
. "$top_srcdir/tests/lib.sh"

EX=$top_srcdir/examples
start_sim -R 20
make_project
fixed_ports
# The demo's columns, and a string tag in scadasim's scratch registers.
sed -i '3s/$/,length/' "$T/project/tags.csv"
printf 'test.text,plc1,test,holding,1000,string,,,,,,,,yes,Recipe,8\n' \
    >>"$T/project/tags.csv"
start_scadad
wait_for 10 tag_good tank1.level || fail "tank1.level never turned good"
ntags=$("$SCADACTL" -j status | sed 's/.*"tags":\([0-9]*\).*/\1/')

"$PY" "$EX/snapshot.py" "$SERVER" >"$T/snap" || fail "snapshot.py failed"
grep -q '^# sequence [0-9]' "$T/snap" || fail "snapshot.py: no sequence"
[ "$(grep -c '^{"name"' "$T/snap")" -eq "$ntags" ] ||
    fail "snapshot.py listed $(grep -c '^{"name"' "$T/snap") of $ntags tags"

spawn watch "$PY" -u "$EX/watch.py" tank1. "$SERVER"
wait_for 10 grep -q '^tank1.level_sp ' "$T/watch.log" ||
    fail "watch.py printed no image"

"$PY" "$EX/write.py" tank1.level_sp 57.5 "$SERVER" >"$T/w1" ||
    fail "write.py 57.5: $(cat "$T/w1")"
grep -q '^tank1.level_sp 57.5 good$' "$T/w1" ||
    fail "write.py did not print the value read back: $(cat "$T/w1")"
"$PY" "$EX/write.py" tank1.heater_auto off "$SERVER" >"$T/w2" ||
    fail "write.py off"
grep -q '^tank1.heater_auto False good$' "$T/w2" || fail "bool: $(cat "$T/w2")"
"$PY" "$EX/write.py" test.text LEMON-1L "$SERVER" >"$T/w3" ||
    fail "write.py text"
grep -q '^test.text LEMON-1L good$' "$T/w3" || fail "string: $(cat "$T/w3")"
"$PY" "$EX/write.py" tank1.level_sp 99 "$SERVER" >"$T/w4" 2>&1 &&
    fail "write.py accepted 99"
grep -q 'out_of_range' "$T/w4" || fail "write.py 99: $(cat "$T/w4")"
wait_for 5 grep -q '^tank1.level_sp 57.5 good' "$T/watch.log" ||
    fail "watch.py did not see the write"

# The server dies without a word: watch.py notices the silence and
# follows the new server, which it was never told about.
PUB=$(awk '$1 == "publish" { print $2 }' "$T/endpoints")
kill -9 "$SCADAD_PID"
wait_for 5 grep -q '^# resync' "$T/watch.log" ||
    fail "watch.py did not notice the silent server"
spawn scadad2 "$SCADAD" -f -c "$T/project" -C "$SERVER" -P "$PUB"
"$PY" "$EX/write.py" tank1.level_sp 61 "$SERVER" >/dev/null ||
    fail "write after the restart"
wait_for 10 grep -q '^tank1.level_sp 61 good' "$T/watch.log" ||
    fail "watch.py did not follow the restarted server"
echo ok
