#!/bin/sh
# A plant of 100,000 tags: the snapshot (8 MB) and browse (20 MB)
# replies outgrow the 4 MiB request limit, yet a station comes online
# and follows the plant. The PLC is absent: bad tags carry a reason,
# which makes the replies larger still.
. "$top_srcdir/tests/lib.sh"

mkdir -p "$T/project"
cat >"$T/project/project.ini" <<EOI
[project]
name = big
tags = tags.csv
[server]
command = tcp://127.0.0.1:*
publish = tcp://127.0.0.1:*
EOI
for d in 0 1 2 3; do
	printf '[device plc%d]\nhost = 127.0.0.1\nport = %d\n' "$d" \
	    "$(free_port)" >>"$T/project/project.ini"
done
awk 'BEGIN {
	print "name,device,space,address,type,units,raw_min,raw_max,eng_min,eng_max,description"
	for (i = 0; i < 100000; i++)
		printf "area%02d.ti%05d.pv,plc%d,input,%d,uint16,%%,0,10000,0,100,temperature %d\n",
		    i / 1000, i, i / 25000, i % 25000, i
}' >"$T/project/tags.csv"
start_scadad

# One tag of the 100,000, through the mirror that stations use.
"$SCADACTL" -j watch -n 1 -T 60 area99.ti99999.pv >"$T/watch" 2>"$T/err" ||
    fail "watch: $(cat "$T/err")"
grep -q '"name":"area99.ti99999.pv".*"quality":"bad"' "$T/watch" ||
    fail "watch printed: $(cat "$T/watch")"
n=$("$SCADACTL" browse 'area5*' | grep -c '^area5')
[ "$n" -eq 10000 ] || fail "browse area5*: $n tags, want 10000"
"$SCADACTL" -j read area00.ti00000.pv | grep -q '"reason":"comm failure' ||
    fail "a tag of an absent PLC without its reason"
echo ok
