#!/bin/sh
# A full disk under the audit trail and the alarm journal: scadad goes
# on serving, every write and alarm transition made meanwhile is held
# and says so in the log, and once there is room again the trail has
# every row, in order, its chain intact, and the journal every
# transition.
. "$top_srcdir/tests/lib.sh"

mkdir "$T/disk"
if ! mount -t tmpfs -o size=1m tmpfs "$T/disk" 2>"$T/err"; then
	echo "SKIP: cannot mount a small file system here: $(cat "$T/err")"
	exit 77
fi
MOUNTS=$T/disk

start_sim
make_project
spawn scadad "$SCADAD" -f -c "$T/project" -D "$T/disk/data" -E "$T/endpoints"
wait_for 10 test -s "$T/endpoints" || fail "scadad did not start"
export SCADA_SERVER=$(awk '$1 == "command" { print $2 }' "$T/endpoints")
wait_for 10 tag_good tank1.level || fail "no PLC"
for v in 41 42; do
	"$SCADACTL" write tank1.level_sp "$v" || fail "write $v"
done
wait_for 10 sh -c '"$0" -j audit -a write | grep -q "\"new\":42,"' "$SCADACTL" ||
    fail "the first writes are not in the trail"

# Fill the file system to the last block.
dd if=/dev/zero of="$T/disk/fill" bs=4k 2>/dev/null
[ "$(df -P "$T/disk" | awk 'NR == 2 { print $4 }')" = 0 ] ||
    fail "the disk is not full: $(df -P "$T/disk")"
for v in 43 44 45 46 47; do
	"$SCADACTL" write tank1.level_sp "$v" ||
	    fail "write $v refused on a full disk"
done
wait_for 10 grep -q "entries held in memory" "$T/scadad.log" ||
    fail "no word of the full disk: $(cat "$T/scadad.log")"
# An alarm raised and acknowledged meanwhile: the pump stops.
"$SCADACTL" write tank1.auto false >/dev/null &&
    "$SCADACTL" write tank1.pump false >/dev/null || fail "pump off"
wait_for 5 sh -c '"$0" alarms | grep -q "tank1.pump:state"' "$SCADACTL" ||
    fail "no alarm on a full disk"
"$SCADACTL" alarms ack -c 'disk full' tank1.pump:state >/dev/null ||
    fail "an acknowledgement on a full disk"
wait_for 10 grep -q "transitions held in memory" "$T/scadad.log" ||
    fail "the journal said nothing of the full disk: $(cat "$T/scadad.log")"
"$SCADACTL" read tank1.level_sp | grep -q 47 || fail "the last write is lost"

rm "$T/disk/fill"
wait_for 30 sh -c '"$0" -j audit -a write | grep -q "\"new\":47,"' "$SCADACTL" ||
    fail "the held rows never reached the disk: $(cat "$T/scadad.log")"
"$SCADACTL" -j audit -a write -t tank1.level_sp >"$T/rows" || fail "audit -j"
awk -F'"new":' '{ split($2, a, ","); printf "%s ", a[1] }' "$T/rows" \
    >"$T/values"
[ "$(cat "$T/values")" = "47 46 45 44 43 42 41 " ] &&
    [ "$(wc -l <"$T/rows")" = 7 ] ||
    [ "$(cat "$T/values")" = "41 42 43 44 45 46 47 " ] ||
    fail "rows lost or out of order: $(cat "$T/rows")"
"$SCADACTL" audit verify >"$T/out" || fail "verify: $(cat "$T/out")"
grep -q '^audit trail intact: 10 rows' "$T/out" || fail "verify: $(cat "$T/out")"
wait_for 30 sh -c '"$0" -j alarms journal -t "tank1.pump*" -E ack | grep -q "\"comment\":\"disk full\""' \
    "$SCADACTL" || fail "the held transitions never reached the journal"
"$SCADACTL" -j alarms journal -t 'tank1.pump*' >"$T/rows" || fail "journal"
grep -q '"event":"active"' "$T/rows" || fail "the activation lost: $(cat "$T/rows")"
exit 0
