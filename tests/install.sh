#!/bin/sh
# make install, into a staging directory: the programs, the man pages,
# the demo project and a systemd unit whose paths are the installed
# ones; the installed scadad checks the installed demo project.
. "$top_srcdir/tests/lib.sh"

R=$T/root
${MAKE:-make} -C "$top_builddir" install DESTDIR="$R" >"$T/install.log" 2>&1 ||
    fail "make install: $(tail -20 "$T/install.log")"
prefix=$(sed -n 's/^prefix = //p' "$top_builddir/Makefile")
sbindir=$(sed -n 's/^sbindir = //p' "$top_builddir/Makefile" |
    sed "s|\${exec_prefix}|$prefix|")
for f in "$sbindir/scadad" "$prefix/bin/scadactl" "$prefix/bin/scadatui" \
    "$prefix/share/man/man8/scadad.8" "$prefix/share/man/man7/scada-proto.7" \
    "$prefix/share/scada/project.ini" "$prefix/share/scada/tags.csv" \
    "$prefix/share/scada/pam/scada" "$prefix/share/scada/pam/passwd" \
    "$prefix/share/scada/pam/oath.users" "$prefix/share/scada/pam-unix/scada"; do
	[ -e "$R$f" ] || fail "not installed: $f"
done

unit=$(sed -n 's/^systemdsystemunitdir = //p' "$top_builddir/Makefile" |
    sed "s|\${prefix}|$prefix|")/scadad.service
[ -f "$R$unit" ] || fail "no systemd unit at $unit"
grep -q "^ExecStart=$sbindir/scadad -f -c " "$R$unit" ||
    fail "the unit does not start the installed scadad: $(grep Exec "$R$unit")"
grep -q '@[a-z]*@' "$R$unit" && fail "unsubstituted paths in the unit"

"$R$sbindir/scadad" -n -c "$R$prefix/share/scada" >"$T/out" 2>&1 ||
    fail "installed scadad on the installed demo: $(cat "$T/out")"
grep -q "project 'Demo plant' OK" "$T/out" || fail "-n: $(cat "$T/out")"

# The installed demo serves logins through its installed PAM service,
# its trail in a data directory of its own (the share folder is no
# place for it).
spawn scadad "$R$sbindir/scadad" -f -c "$R$prefix/share/scada" -D "$T/data" \
    -C 'tcp://127.0.0.1:*' -P 'tcp://127.0.0.1:*' -E "$T/endpoints"
wait_for 10 test -s "$T/endpoints" || fail "the installed demo did not start"
export SCADA_SERVER=$(awk '$1 == "command" { print $2 }' "$T/endpoints")
printf 'operator\n' | SCADA_STATION=i1 "$SCADACTL" login operator \
    >"$T/out" 2>&1 || fail "login on the installed demo: $(cat "$T/out")"
[ -s "$T/data/audit.db" ] || fail "no audit trail in -D's directory"
echo ok
