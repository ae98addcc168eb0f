#!/usr/bin/python3
"""An alarm storm, watched: two stations follow the publications while a
plant of 10,000 alarm-configured tags comes on line and raises them all
at once. Both must see every activation in the sequence, heartbeats
must keep coming and pings must be answered throughout, and the list
and journal must hold all of them.

usage: storm.py COMMAND_ENDPOINT PUBLISH_ENDPOINT READY_FILE COUNT
"""
import json
import os
import sys
import time

import zmq

sys.path.insert(0, os.path.join(os.environ["top_srcdir"], "examples"))
import scada  # noqa: E402

CMD, PUB, READY, COUNT = sys.argv[1], sys.argv[2], sys.argv[3], \
    int(sys.argv[4])


def check(cond, what):
    if not cond:
        sys.exit("FAIL: " + what)
    print("ok - " + what)


subs = []
for name in ("s-a", "s-b"):
    s = scada.CTX.socket(zmq.SUB)
    s.setsockopt(zmq.RCVHWM, 0)
    s.setsockopt_string(zmq.SUBSCRIBE, "")
    s.connect(PUB)
    subs.append(s)
pinger = scada.CTX.socket(zmq.DEALER)
pinger.connect(CMD)
time.sleep(0.5)
seen = [0, 0]
last_seq = [0, 0]
gaps = [0, 0]
last_hb = [time.monotonic(), time.monotonic()]
hb_gap = [0.0, 0.0]
pings = {"sent": 0, "answered": 0, "worst": 0.0}
ping_at = None
poller = zmq.Poller()
for s in subs:
    poller.register(s, zmq.POLLIN)
poller.register(pinger, zmq.POLLIN)

open(READY, "w").close()        # the shell starts the plant now
t_first = t_last = None
deadline = time.monotonic() + 60
while min(seen) < COUNT and time.monotonic() < deadline:
    now = time.monotonic()
    if ping_at is None or now - ping_at > 0.2:
        if ping_at is not None:
            pings["worst"] = max(pings["worst"], now - ping_at)
        pinger.send_multipart([b"", json.dumps({"v": 2, "op": "ping",
                              "rid": "p%d" % pings["sent"]}).encode()])
        pings["sent"] += 1
        ping_at = now
    for sock, _ in poller.poll(50):
        if sock is pinger:
            pinger.recv_multipart()
            pings["answered"] += 1
            pings["worst"] = max(pings["worst"], time.monotonic() - ping_at)
            ping_at = None
            continue
        i = subs.index(sock)
        while True:
            try:
                topic, body = sock.recv_multipart(zmq.NOBLOCK)
            except zmq.Again:
                break
            o = json.loads(body)
            t = time.monotonic()
            if topic == b"hb":
                hb_gap[i] = max(hb_gap[i], t - last_hb[i])
                last_hb[i] = t
                gaps[i] += last_seq[i] and o["seq"] > last_seq[i]
                continue
            if last_seq[i] and o["seq"] != last_seq[i] + 1:
                gaps[i] += 1
            last_seq[i] = o["seq"]
            if topic == b"alarm" and o["event"] == "active":
                seen[i] += 1
                t_first = t_first or t
                t_last = t
for i in (0, 1):
    hb_gap[i] = max(hb_gap[i], time.monotonic() - last_hb[i])

if seen != [COUNT, COUNT]:
    have = {a["tag"] for a in scada.Client(CMD, station="s-dbg").call(
        "alarms", timeout=10)["alarms"]}
    print("# not raised: %s" % sorted(
        "a%d.t%05d" % (i // 1000, i) for i in range(COUNT)
        if "a%d.t%05d" % (i // 1000, i) not in have)[:10])
check(seen == [COUNT, COUNT] and gaps == [0, 0],
      "both stations saw all %d activations in the sequence (%s, gaps %s)"
      % (COUNT, seen, gaps))
print("# storm: %d activations in %.2f s" % (COUNT, t_last - t_first))
# A station declares the link lost after 3 s without a heartbeat.
check(max(hb_gap) < 3.0, "heartbeats kept coming (longest gap %.2f s)" %
      max(hb_gap))
check(pings["answered"] >= pings["sent"] - 1 and pings["worst"] < 3.0,
      "pings answered throughout (%d of %d, slowest %.2f s)" %
      (pings["answered"], pings["sent"], pings["worst"]))
c = scada.Client(CMD, station="s-check")
r = c.call("alarms", timeout=10)
check(len(r["alarms"]) == COUNT and
      r["counts"]["priority"]["medium"]["unack"] == COUNT,
      "the list holds all of them, unacknowledged (%d)" % len(r["alarms"]))
rows = []
for attempt in range(20):
    rows = c.call("alarm_journal", timeout=30, limit=COUNT + 10,
                  where={"event": "active"})["rows"]
    if len(rows) >= COUNT:
        break
    time.sleep(0.5)
check(len(rows) == COUNT and len({r["alarm"] for r in rows}) == COUNT,
      "the journal holds every activation once (%d)" % len(rows))
