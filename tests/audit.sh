#!/bin/sh
# The audit trail: every write lands in it with its old and new value;
# scadactl audit filters it and writes CSV; the rows cannot be updated
# or deleted through SQLite; and whoever goes around that (drops the
# triggers, edits, deletes, inserts or cuts off rows) is found by
# scadactl audit verify, which names the first broken row.
. "$top_srcdir/tests/lib.sh"

start_sim
make_project
N=0
trail() {	# a fresh scadad with a trail of its own and five writes
	[ -n "${SCADAD_PID:-}" ] && stop "$SCADAD_PID"
	N=$((N + 1))
	DB=$T/data$N/audit.db
	rm -f "$T/endpoints"
	spawn "scadad$N" "$SCADAD" -f -c "$T/project" -D "$T/data$N" \
	    -E "$T/endpoints"
	SCADAD_PID=$LAST_PID
	wait_for 10 test -s "$T/endpoints" || fail "scadad did not start"
	export SCADA_SERVER=$(awk '$1 == "command" { print $2 }' "$T/endpoints")
	wait_for 10 tag_good tank1.level || fail "no PLC"
	for v in 41 42 43 44 45; do
		"$SCADACTL" write tank1.level_sp "$v" || fail "write $v"
	done
}
verify() {	# verify PATTERN: audit verify fails, saying PATTERN
	"$SCADACTL" audit verify >"$T/out" 2>&1 &&
	    fail "tampering not found: $(cat "$T/out")"
	grep -q -- "$1" "$T/out" || fail "verify said: $(cat "$T/out")"
}

trail
"$SCADACTL" audit verify >"$T/out" || fail "a fresh trail: $(cat "$T/out")"
grep -q '^audit trail intact: 5 rows, head [0-9a-f]\{64\}$' "$T/out" ||
    fail "verify: $(cat "$T/out")"
"$SCADACTL" -j audit -a write -t 'tank1.*' >"$T/rows" || fail "audit -j"
[ "$(wc -l <"$T/rows")" = 5 ] || fail "5 writes: $(cat "$T/rows")"
grep -q '"action":"write","tag":"tank1.level_sp","old":41,"new":42,"result":"ok"' \
    "$T/rows" || fail "a write with its old and new value: $(cat "$T/rows")"
"$SCADACTL" audit -f csv -n 2 >"$T/csv" || fail "audit -f csv"
head -1 "$T/csv" | grep -q '^"id","ts","user","station","action","tag","old","new","result","detail"$' ||
    fail "CSV header: $(head -1 "$T/csv")"
[ "$(wc -l <"$T/csv")" = 3 ] || fail "-n 2: $(cat "$T/csv")"
grep -q '^"5",.*"write","tank1.level_sp","44","45","ok",""$' "$T/csv" ||
    fail "CSV row: $(cat "$T/csv")"
"$SCADACTL" audit -s 1h -u nobody >"$T/out" || fail "audit -s 1h"
[ "$(wc -l <"$T/out")" = 1 ] || fail "-u nobody matched: $(cat "$T/out")"
"$SCADACTL" audit -s yesterdayish 2>"$T/err" && fail "a bad time accepted"
grep -q "bad time 'yesterdayish'" "$T/err" || fail "bad time: $(cat "$T/err")"

# SQLite itself refuses to change or drop a row.
sqlite3 "$DB" "UPDATE audit SET new = '99' WHERE id = 3" 2>"$T/err" &&
    fail "a row was updated"
grep -q 'audit rows never change' "$T/err" || fail "update: $(cat "$T/err")"
sqlite3 "$DB" "DELETE FROM audit WHERE id = 2" 2>"$T/err" &&
    fail "a row was deleted"
grep -q 'audit rows are never deleted' "$T/err" || fail "delete: $(cat "$T/err")"

# Around the triggers: each kind of tampering, each on a fresh trail.
sqlite3 "$DB" "DROP TRIGGER audit_no_update; UPDATE audit SET new = '99' WHERE id = 3" ||
    fail "sqlite3 update"
verify 'BROKEN at row 3: row 3 was changed'
trail
sqlite3 "$DB" "DROP TRIGGER audit_no_delete; DELETE FROM audit WHERE id = 2" ||
    fail "sqlite3 delete"
verify 'BROKEN at row 2: row 2 is missing'
trail
sqlite3 "$DB" "INSERT INTO audit (id, ts, action, result, prev, hash)
    SELECT 6, ts, 'write', 'ok', hash, hash FROM audit WHERE id = 5" ||
    fail "sqlite3 insert"
verify 'BROKEN at row 6: row 6 was changed'
trail
sqlite3 "$DB" "DROP TRIGGER audit_no_delete; DELETE FROM audit WHERE id = 5" ||
    fail "sqlite3 cut"
verify 'BROKEN at row 5: rows 5 to 5 are missing: this server wrote them'
echo ok
