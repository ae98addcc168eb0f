#!/bin/sh
# The benchmarks of `make bench': each compares the project with a
# baseline measured in the same run and prints the ratio. Everything runs
# on 127.0.0.1 on ephemeral ports; every process started here is stopped
# on the way out, whatever happens (the trap of tests/lib.sh).
#
# BENCH=fanout,latency,stations,tags,modbus,devices,logins,alarms,screens selects
# some (default: all). BENCH_QUICK=1 shrinks the counts for a smoke test (numbers then
# mean little).
: "${top_builddir:?run through make bench}"
: "${top_srcdir:?run through make bench}"
LIB_TEMP=scada-bench
. "$top_srcdir/tests/lib.sh"

BIN=$top_builddir/bench
MOSQUITTO=${MOSQUITTO:-/usr/sbin/mosquitto}
WANT=${BENCH:-fanout,latency,stations,tags,modbus,devices,logins,alarms,screens}
QUICK=${BENCH_QUICK:-0}

SUMMARY=$T/summary
: >"$SUMMARY"
FAILED=

wanted() {
	case ",$WANT," in
	*",$1,"*) return 0 ;;
	esac
	return 1
}

# run NAME COMMAND...: runs a benchmark program in the foreground, shows
# its output and keeps its summary lines.
run() {
	name=$1
	shift
	echo "bench: $*" | sed "s|$top_builddir/||g"
	# In the background, so that a signal to us reaches it via cleanup.
	"$@" >"$T/$name.out" 2>"$T/$name.err" &
	bench_pid=$!
	PIDS="$PIDS $bench_pid"
	wait "$bench_pid"
	rc=$?
	forget "$bench_pid"
	cat "$T/$name.out"
	grep -E '^(fanout|latency|stations|tags|modbus|devices|logins|alarms|screens) ' \
	    "$T/$name.out" >>"$SUMMARY"
	if [ "$rc" -ne 0 ]; then
		echo "bench: $name exited with status $rc" >&2
		cat "$T/$name.err" >&2
		FAILED="$FAILED $name"
	fi
}

# A plant whose values keep moving: scadasim with its process noise
# (start_sim runs it quiet, for tests that check values).
start_live_sim() {
	serve scadasim "$T/sim.port" "$SCADASIM" -p 0 -P "$T/sim.port"
	SIM_PID=$LAST_PID
	SIM_PORT=$PORT
}

# bigplc: one big PLC on an ephemeral port; PLC_PID, PLC_PORT.
start_bigplc() {
	serve bigplc "$T/bigplc.port" "$BIN/bigplc" "$T/bigplc.port"
	PLC_PID=$LAST_PID
	PLC_PORT=$PORT
}

# A private broker on a free loopback port. Its queue limit matches the
# ZeroMQ high-water mark (100000), so neither side drops for want of it.
start_mosquitto() {
	for try in 1 2 3; do
		MQTT_PORT=$(free_port)
		printf '%s\n' "listener $MQTT_PORT 127.0.0.1" \
		    'allow_anonymous true' 'persistence false' \
		    'max_queued_messages 100000' >"$T/mosquitto.conf"
		spawn mosquitto "$MOSQUITTO" -c "$T/mosquitto.conf"
		MQTT_PID=$LAST_PID
		wait_for 5 grep -q ' running' "$T/mosquitto.log" && return 0
		stop "$MQTT_PID"
	done
	fail "mosquitto did not start: $(cat "$T/mosquitto.log")"
}

bench_fanout() {
	updates=100000 reps=3
	[ "$QUICK" = 1 ] && updates=10000 reps=1
	[ -x "$MOSQUITTO" ] ||
	    fail "$MOSQUITTO not found: apt-get install mosquitto"
	start_mosquitto
	run fanout-small "$BIN/fanout" -m "$MQTT_PORT" -n "$updates" \
	    -r "$reps" -s 1 -s 10
	# Mosquitto at 100 subscribers takes most of a minute: once is enough.
	run fanout-large "$BIN/fanout" -m "$MQTT_PORT" -n "$updates" \
	    -r "$reps" -M 1 -s 100
	stop "$MQTT_PID"
	# What CurveZMQ costs, against the same runs in plain text.
	run fanout-curve "$BIN/fanout" -k scada,scada-curve,zmq,zmq-curve \
	    -n "$updates" -r "$reps" -s 1 -s 10
}

bench_latency() {
	writes=1000
	[ "$QUICK" = 1 ] && writes=100
	start_sim
	make_project "$T/latency" 500
	start_scadad "$T/latency" scadad-latency
	run latency "$BIN/latency" -c "$SERVER" -m "$SIM_PORT" -n "$writes"
	stop "$SCADAD_PID"
	# The same with CurveZMQ on both sockets, the station registered.
	project_curve "$T/latency" "$T/latency/keys" bench
	start_scadad "$T/latency" scadad-latency-curve
	run latency-curve "$BIN/latency" -c "$SERVER" -m "$SIM_PORT" \
	    -n "$writes" -k "$T/latency/keys/bench.key" \
	    -K "$T/latency/keys/server.key.pub"
	stop "$SCADAD_PID"
	stop "$SIM_PID"
	latency_curve_ratio
}

# The medians and p99s of the two latency runs, side by side.
latency_curve_ratio() {
	line=$(awk '$1 == "latency" && $2 ~ /^writes=/ { pm = $6; pp = $9 }
	    $1 == "latency" && $2 == "curve" { cm = $7; cp = $10 }
	    END { if (pm > 0 && pp > 0)
		printf "latency curve: write->update median %s us vs %s us " \
		    "plain (ratio %.2f), p99 %s us vs %s us (ratio %.2f)\n",
		    cm, pm, cm / pm, cp, pp, cp / pp }' "$SUMMARY")
	echo "$line"
	echo "$line" >>"$SUMMARY"
}

# kb_of NAME: the per-station figure a stations run printed.
kb_of() {
	awk -v k="$1" '$1 == "stations-kb" && $2 == k { print $3 }' \
	    "$T/stations-$1.out"
}

bench_stations() {
	count=1000 live=10
	[ "$QUICK" = 1 ] && count=100 live=3
	start_live_sim
	make_project "$T/stations" 200
	start_scadad "$T/stations" scadad-stations
	sleep 2		# let scadad settle before the first RSS reading
	run stations-scada "$BIN/stations" -c "$SERVER" -p "$SCADAD_PID" \
	    -n "$count" -s "$live"
	stop "$SCADAD_PID"
	stop "$SIM_PID"

	rm -f "$T/bare.endpoints"
	spawn bare-server "$BIN/stations" -B -E "$T/bare.endpoints"
	BARE_PID=$LAST_PID
	wait_for 10 test -s "$T/bare.endpoints" ||
	    fail "bare zmq server did not start"
	sleep 2
	run stations-zmq "$BIN/stations" -b \
	    -c "$(awk '$1 == "command" { print $2 }' "$T/bare.endpoints")" \
	    -P "$(awk '$1 == "publish" { print $2 }' "$T/bare.endpoints")" \
	    -p "$BARE_PID" -n "$count" -s "$live"
	stop "$BARE_PID"

	scada=$(kb_of scada) zmq=$(kb_of zmq)
	not_current=$(sed -n 's/.* \([0-9-]*\) of [0-9]* not current.*/\1/p' \
	    "$T/stations-scada.out")
	rate=$(sed -n 's/.* \([0-9]*\) updates\/s to each station.*/\1/p' \
	    "$T/stations-scada.out")
	line=$(awk -v n="$count" -v s="${scada:-0}" -v z="${zmq:-0}" \
	    -v nc="${not_current:-?}" -v r="${rate:-?}" 'BEGIN {
		printf "stations n=%d: %s not current after %s updates/s; " \
		    "scadad %.1f kB per station, bare zmq %.1f kB per " \
		    "station (ratio %.2f)\n", n, nc, r, s, z, \
		    (z > 0 ? s / z : 0) }')
	echo "$line"
	echo "$line" >>"$SUMMARY"
}

rss_of() {
	awk '$1 == "VmRSS:" { print $2 }' "/proc/$1/status"
}

# big_project DIR PORT TAGS DEVICES: TAGS input registers spread over
# DEVICES devices, all served by one bigplc.
big_project() {
	project_ini "$1" "Big plant"
	d=1
	while [ "$d" -le "$4" ]; do
		project_device "$1" "plc$d" host=127.0.0.1 port="$2" unit="$d" \
		    poll_ms=1000 timeout_ms=2000
		d=$((d + 1))
	done
	awk -v n="$3" -v devs="$4" 'BEGIN {
		print "name,device,area,space,address,type,units,raw_min," \
		    "raw_max,eng_min,eng_max,writable,description"
		per = int((n + devs - 1) / devs)
		for (i = 0; i < n; i++)
			printf "area%02d.ti%05d.pv,plc%d,area%02d,input,%d," \
			    "uint16,%%,0,10000,0,100,no,Temperature %d\n", \
			    i / 1000, i, int(i / per) + 1, i / 1000, i % per, i
	}' >"$1/tags.csv"
}

bench_tags() {
	ntags=100000 devices=4 reps=3
	[ "$QUICK" = 1 ] && ntags=10000 reps=3
	start_bigplc

	# The server's own size: the same kind of project with one tag.
	big_project "$T/tags1" "$PLC_PORT" 1 1
	start_scadad "$T/tags1" scadad-tags1
	sleep 3
	rss0=$(rss_of "$SCADAD_PID")
	stop "$SCADAD_PID"

	big_project "$T/tags" "$PLC_PORT" "$ntags" "$devices"
	t0=$(date +%s.%N)
	start_scadad "$T/tags" scadad-tags
	t1=$(date +%s.%N)
	echo "bench: scadad started with $ntags tags in" \
	    "$(echo "$t0 $t1" | awk '{ printf "%.2f", $2 - $1 }') s"
	# At rest before any snapshot: poll only the last tag of each device.
	per=$(( (ntags + devices - 1) / devices ))
	d=1
	while [ "$d" -le "$devices" ]; do
		last=$(( d * per - 1 ))
		[ "$last" -ge "$ntags" ] && last=$((ntags - 1))
		name=$(printf 'area%02d.ti%05d.pv' $((last / 1000)) "$last")
		wait_for 60 tag_good "$name" || fail "$name never turned good"
		d=$((d + 1))
	done
	run tags "$BIN/bigtags" -c "$SERVER" -n "$ntags" -p "$SCADAD_PID" \
	    -z "$rss0" -r "$reps" -t "$SCADATUI"
	stop "$SCADAD_PID"
	stop "$PLC_PID"
}

# 10,000 holding registers through the driver and through a bare
# libmodbus loop, both reading the same bigplc.
bench_modbus() {
	scans=100 rounds=7
	[ "$QUICK" = 1 ] && scans=20 rounds=3
	start_bigplc
	mkdir -p "$T/modbus"
	run modbus "$BIN/registers" -p "$PLC_PORT" -D "$T/modbus" -n 10000 \
	    -s "$scans" -r "$rounds"
	stop "$PLC_PID"
}

# 50 PLCs, each a bigplc that answers after 5 ms. All are started before
# any is waited for; devices gets "port pid" lines, and stops and
# continues the PLCs itself to start their scans together.
# Logins through the demo's PAM service (pam_pwdfile), the heartbeat
# every 100 ms so that a stalled server loop shows.
bench_logins() {
	logins=200 stations=100
	[ "$QUICK" = 1 ] && logins=20 stations=20
	start_sim
	make_project "$T/logins"
	project_login "$T/logins"
	sed -i 's/^heartbeat_ms = .*/heartbeat_ms = 100/' "$T/logins/project.ini"
	start_scadad "$T/logins" scadad-logins
	run logins "$BIN/logins" -c "$SERVER" -d "$T/logins" \
	    -P "$(awk '$1 == "publish" { print $2 }' "$T/endpoints")" \
	    -n "$logins" -s "$stations" -u operator -w operator
	stop "$SCADAD_PID"
	stop "$SIM_PID"
}

bench_devices() {
	count=50 delay=5 rounds=7 seconds=3
	[ "$QUICK" = 1 ] && rounds=3 seconds=2
	plcs=
	i=1
	while [ "$i" -le "$count" ]; do
		rm -f "$T/plc$i.port"
		spawn "plc$i" "$BIN/bigplc" -d "$delay" "$T/plc$i.port"
		plcs="$plcs $LAST_PID"
		i=$((i + 1))
	done
	: >"$T/devices.ports"
	i=1
	for pid in $plcs; do
		wait_for 10 test -s "$T/plc$i.port" ||
		    fail "bigplc $i did not start"
		echo "$(cat "$T/plc$i.port") $pid" >>"$T/devices.ports"
		i=$((i + 1))
	done
	mkdir -p "$T/devices"
	run devices "$BIN/devices" -P "$T/devices.ports" -D "$T/devices" \
	    -d "$delay" -r "$rounds" -s "$seconds"
	for pid in $plcs; do
		kill "$pid" 2>/dev/null
		kill -CONT "$pid" 2>/dev/null	# in case devices left it stopped
	done
	for pid in $plcs; do
		stop "$pid"
	done
}

# 10,000 alarms rising in one scan of a PLC that comes on line, to 10
# stations; storm starts its stations, then says when the PLC may start.
bench_storm() {
	storm_n=10000 stations=10
	[ "$QUICK" = 1 ] && storm_n=1000 stations=3
	port=$(free_port)
	project_ini "$T/storm" storm
	project_device "$T/storm" plc1 host=127.0.0.1 port="$port" \
	    poll_ms=200 backoff_max_ms=200
	awk -v n="$storm_n" 'BEGIN {
		print "name,device,area,space,address,type,l,description"
		for (i = 0; i < n; i++)
			printf "a%d.t%05d,plc1,a%d,holding,%d,uint16,1,tag %d\n",
			    i / 1000, i, i / 1000, 1000 + i, i
	}' >"$T/storm/tags.csv"
	printf '[alarms]\ncomm_priority = no\n' >>"$T/storm/project.ini"
	start_scadad "$T/storm" scadad-storm
	rm -f "$T/storm.ready"
	(wait_for 30 test -e "$T/storm.ready" &&
	    exec "$SCADASIM" -p "$port" -R "$storm_n" -n) >"$T/storm-sim.log" 2>&1 &
	STORM_SIM=$!
	PIDS="$PIDS $STORM_SIM"
	run storm "$BIN/storm" -c "$SERVER" \
	    -P "$(awk '$1 == "publish" { print $2 }' "$T/endpoints")" \
	    -r "$T/storm.ready" -n "$storm_n" -s "$stations"
	stop "$STORM_SIM"
	stop "$SCADAD_PID"
}

# A screen of 100 fields, each a scratch register of scadasim, in a real
# scadatui on a pty while 10 of them change a second.
bench_screens() {
	sim_port=$(free_port)
	project_ini "$T/screens" screens
	printf '[screens]\nfiles = bench.screen\n' >>"$T/screens/project.ini"
	project_device "$T/screens" plc1 host=127.0.0.1 port="$sim_port" \
	    poll_ms=100
	awk 'BEGIN {
		print "name,device,area,space,address,type,writable,description"
		for (i = 0; i < 100; i++)
			printf "b.t%03d,plc1,b,holding,%d,uint16,yes,tag %d\n",
			    i, 1000 + i, i
	}' >"$T/screens/tags.csv"
	awk 'BEGIN {
		print "[screen]\ntitle = Bench screen\n[layout]"
		for (r = 0; r < 10; r++) {
			line = ""
			for (c = 0; c < 10; c++)
				line = line sprintf("@f%03d...", r * 10 + c)
			print line
		}
		for (i = 0; i < 100; i++)
			printf "[field f%03d]\ntag = b.t%03d\nkind = input\n", i, i
	}' >"$T/screens/bench.screen"
	spawn screens-sim "$SCADASIM" -p "$sim_port" -R 100 -n
	screens_sim=$LAST_PID
	start_scadad "$T/screens" scadad-screens
	wait_for 10 tag_good b.t099 || fail "the bench PLC"
	run screens "$BIN/screenbench" -c "$SERVER" -t "$SCADATUI"
	stop "$SCADAD_PID"
	stop "$screens_sim"
}

echo "bench: $(nproc) cores, $(uname -sr), $(date -u '+%Y-%m-%d %H:%M UTC')"
wanted fanout && bench_fanout
wanted latency && bench_latency
wanted stations && bench_stations
wanted tags && bench_tags
wanted modbus && bench_modbus
wanted devices && bench_devices
wanted logins && bench_logins
wanted alarms && run alarms "$BIN/alarmbench"
wanted alarms && bench_storm
wanted screens && bench_screens

echo
echo "bench: summary"
cat "$SUMMARY"
[ -z "$FAILED" ] || fail "failed:$FAILED"
exit 0
