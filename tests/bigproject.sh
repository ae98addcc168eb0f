#!/bin/sh
# A plant of 100,000 tags, whose snapshot and tag list come in pages:
# the mirror stations use loads them all and comes online, and a browse
# of a tenth of the plant pages through the whole. The PLCs are absent:
# every tag is bad with its reason, which makes the pages larger still.
. "$top_srcdir/tests/lib.sh"

project_ini "$T/project" big
for d in 0 1 2 3; do
	project_device "$T/project" "plc$d" host=127.0.0.1 port="$(free_port)"
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
