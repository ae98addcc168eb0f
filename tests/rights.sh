#!/bin/sh
# Rights over the real protocol: every role x area x station case of a
# small project, allowed and denied (tests/rights.py), with users
# checked by PAM and a Unix group's roles.
. "$top_srcdir/tests/lib.sh"

start_sim -R 20
P=$T/project
project_ini "$P" rights
# project_ini ends with [security]: its keys go on from there.
sed -i 's/^login = no/login = yes/' "$P/project.ini"
printf 'pam_dir = pam\nthrottle_ms = 0\n' >>"$P/project.ini"
project_device "$P" plc1 host=127.0.0.1 port="$SIM_PORT" poll_ms=200
cat >>"$P/project.ini" <<'INI'
[role view1]
functions = view
areas = a1
[role op2]
functions = view operate
areas = a2
[role admin]
functions = users audit
[role op1_on_s2]
functions = view operate
areas = a1
stations = s2
[role users]
functions = users
[user u_view1]
roles = view1
[user u_op2]
roles = op2
[user u_admin]
roles = admin
[user u_s2]
roles = op1_on_s2
[group root]
roles = users
[station s-wall]
anonymous_roles = view1
INI
cat >"$P/tags.csv" <<'CSV'
name,device,area,space,address,type,writable,description
a1.x,plc1,a1,holding,1000,uint16,yes,in area a1
a2.y,plc1,a2,holding,1001,uint16,yes,in area a2
CSV
mkdir "$P/pam"
cp "$top_srcdir/conf/demo/pam/scada" "$P/pam/"
: >"$P/pam/passwd"
for u in u_view1 u_op2 u_admin u_s2 root; do
	printf '%s:%s\n' "$u" "$(openssl passwd -6 "pw-$u")" >>"$P/pam/passwd"
done
printf '%s\n' '- - -' >"$P/pam/oath.users"
"$SCADAD" -n -c "$P" >/dev/null || fail "the project: $("$SCADAD" -n -c "$P" 2>&1)"
start_scadad "$P"
wait_for 10 grep -q 'device plc1: connected' "$T/scadad.log" || fail "no PLC"
"$PY" "$top_srcdir/tests/rights.py" "$SERVER" || fail "the rights"
echo ok
