#!/usr/bin/python3
"""Alarm states over the real protocol, as tests/alarms.sh sets them up:
every ISA-18.2 transition driven by writes to the simulated plant and by
operator actions, watched by two stations that must both see each
transition, in the sequence, and agree with the server's list.

usage: alarms.py COMMAND_ENDPOINT PUBLISH_ENDPOINT
"""
import json
import os
import sys
import time

import zmq

sys.path.insert(0, os.path.join(os.environ["top_srcdir"], "examples"))
import scada  # noqa: E402

CMD, PUB = sys.argv[1], sys.argv[2]


def check(cond, what):
    if not cond:
        sys.exit("FAIL: " + what)
    print("ok - " + what)


class Station:
    """A station's view: the alarm list, kept by the alarm topic alone
    after one alarms request, as a station keeps it."""

    def __init__(self, name):
        self.client = scada.Client(CMD, station=name)
        self.sub = scada.CTX.socket(zmq.SUB)
        self.sub.setsockopt_string(zmq.SUBSCRIBE, "")
        self.sub.connect(PUB)
        time.sleep(0.3)
        self.events = []
        self.cursor = 0
        self.seq = 0
        self.gaps = 0
        reply = self.client.call("alarms")
        self.alarms = {a["id"]: a for a in reply["alarms"]}

    def pump(self, wait=0.05):
        end = time.monotonic() + wait
        while True:
            left = end - time.monotonic()
            if not self.sub.poll(max(0, int(left * 1000))):
                return
            topic, body = self.sub.recv_multipart()
            o = json.loads(body)
            # A heartbeat repeats the last number; anything else is next.
            if topic == b"hb":
                self.gaps += self.seq and o["seq"] > self.seq
                continue
            if self.seq and o["seq"] != self.seq + 1:
                self.gaps += 1
            self.seq = o["seq"]
            if topic != b"alarm":
                continue
            self.events.append((o["event"], o["alarm"]["id"]))
            a = o["alarm"]
            if a["state"] == "normal" and not a["active"]:
                self.alarms.pop(a["id"], None)
            else:
                self.alarms[a["id"]] = a

    def saw(self, event, alarm_id, wait=5.0):
        """Waits for the next such transition after the last one seen."""
        end = time.monotonic() + wait
        while time.monotonic() < end:
            if (event, alarm_id) in self.events[self.cursor:]:
                self.cursor = self.events.index((event, alarm_id),
                                                self.cursor) + 1
                return True
            self.pump(0.1)
        return False

    def state(self, alarm_id):
        a = self.alarms.get(alarm_id)
        return a["state"] if a else "normal"


A, B = Station("s-a"), Station("s-b")
op = A.client


def write(tag, value):
    op.call("write", timeout=5, tag=tag, value=value)


def both(event, alarm_id, state, what):
    ok = A.saw(event, alarm_id) and B.saw(event, alarm_id)
    check(ok and A.state(alarm_id) == state and B.state(alarm_id) == state,
          "%s: both stations see %s, %s (%s, %s)" %
          (what, event, state, A.state(alarm_id), B.state(alarm_id)))


def server_state(alarm_id):
    for a in op.call("alarms")["alarms"]:
        if a["id"] == alarm_id:
            return a["state"]
    return "normal"


def error_of(fn):
    try:
        fn()
    except scada.Error as e:
        return e.reply
    return None


SP_H, SP_HH = "tank1.level_sp:h", "tank1.level_sp:hh"

# No automatic control: the valve and the pump stay as written.
write("tank1.auto", False)

# Active, acknowledged, cleared: unack -> acked -> normal.
write("tank1.level_sp", 85)
both("active", SP_H, "unack", "above H")
check(server_state(SP_HH) == "normal", "HH stays normal below its limit")
r = op.call("alarms")
h = [a for a in r["alarms"] if a["id"] == SP_H][0]
check(h["priority_name"] == "medium" and h["area"] == "tank1" and
      "85" in h["message"] and "limit 80" in h["message"],
      "the alarm's priority, area and message: %s" % h["message"])
check(r["counts"]["priority"]["medium"]["unack"] >= 1 and
      r["counts"]["area"]["tank1"]["unack"] >= 1, "counts per priority "
      "and area")
reply = op.call("alarm_ack", ids=[SP_H], comment="seen")
both("ack", SP_H, "acked", "acknowledged")
e = error_of(lambda: op.call("alarm_ack", ids=[SP_H]))
check(e and e["error"] == "alarm_state", "a second acknowledgement is "
      "refused, typed: %s" % (e and e["message"]))
e = error_of(lambda: op.call("alarm_ack", ids=["no.such:h"]))
check(e and e["error"] == "unknown_alarm", "an unknown alarm is refused")
# Inside the deadband (80 - 2) it stays; below it, it clears.
write("tank1.level_sp", 79)
B.pump(0.5)
check(server_state(SP_H) == "acked", "inside the deadband it stays active")
write("tank1.level_sp", 70)
both("clear", SP_H, "normal", "cleared after acknowledgement")

# Cleared before anyone acknowledged: rtn_unack, then normal.
write("tank1.level_sp", 92)
both("active", SP_HH, "unack", "above HH")
write("tank1.level_sp", 60)
both("clear", SP_HH, "rtn_unack", "returned unacknowledged")
op.call("alarm_ack", ids=[SP_HH])
both("ack", SP_HH, "normal", "acknowledged after return")

# A retried acknowledgement (same rid) is applied once and answered alike.
write("tank1.level_sp", 85)
both("active", SP_H, "unack", "active again")
body = {"v": 2, "op": "alarm_ack", "ids": [SP_H], "rid": "ack-retry-1",
        "station": "s-a"}
req = scada.CTX.socket(zmq.DEALER)
req.connect(CMD)
answers = []
for i in range(2):
    req.send_multipart([b"", json.dumps(body).encode()])
    if req.poll(3000):
        answers.append(json.loads(req.recv_multipart()[-1]))
req.close(0)
check(len(answers) == 2 and answers[0] == answers[1] and answers[0]["ok"],
      "a retried acknowledgement gets the first reply again")
A.pump(0.5)
check(A.events.count(("ack", SP_H)) == 2, "and is applied once")
write("tank1.level_sp", 50)
both("clear", SP_H, "normal", "clear")

# Latching: active, acknowledged, cleared -> latched until reset.
LATCH = "tank1.heater:state"
write("tank1.heater_auto", False)
write("tank1.heater", False)    # it was on since the start: latched
B.pump(0.5)
if server_state(LATCH) == "latched":
    op.call("alarm_ack", ids=[LATCH]) if not [
        a for a in op.call("alarms")["alarms"]
        if a["id"] == LATCH and a["acked"]] else None
    op.call("alarm_reset", id=LATCH)
B.pump(0.5)
check(server_state(LATCH) == "normal", "the heater's alarm starts normal")
write("tank1.heater", True)
both("active", LATCH, "unack", "latching alarm active")
op.call("alarm_ack", ids=[LATCH])
write("tank1.heater", False)
both("clear", LATCH, "latched", "latched after it cleared")
e = error_of(lambda: op.call("alarm_ack", ids=[LATCH]))
check(e and e["error"] == "alarm_state", "nothing to acknowledge on a "
      "latched, acknowledged alarm")
op.call("alarm_reset", id=LATCH, comment="checked the heater")
both("reset", LATCH, "normal", "reset")
e = error_of(lambda: op.call("alarm_reset", id=LATCH))
check(e and e["error"] == "alarm_state", "a reset of a normal alarm is "
      "refused")

# Shelving: timed, with automatic unshelve; one-shot until it clears.
write("tank1.level_sp", 85)
both("active", SP_H, "unack", "active for shelving")
e = error_of(lambda: op.call("alarm_shelve", id=SP_H, seconds=2))
check(e and e["error"] == "bad_request" and "reason" in e["message"],
      "shelving needs a reason")
op.call("alarm_shelve", id=SP_H, seconds=2, comment="sensor work")
both("shelve", SP_H, "shelved", "shelved for 2 s")
a = [x for x in op.call("alarms")["alarms"] if x["id"] == SP_H][0]
check(a["shelve_reason"] == "sensor work" and a["shelved_until"] > 0,
      "the shelf's reason and end are listed")
both("unshelve", SP_H, "unack", "unshelved by itself after 2 s, active "
     "and unacknowledged again")
op.call("alarm_shelve", id=SP_H, seconds=0, comment="until it clears")
both("shelve", SP_H, "shelved", "shelved until it clears")
write("tank1.level_sp", 50)
both("unshelve", SP_H, "normal", "one-shot shelf ends when it clears")

# Out of service, and back: not annunciated meanwhile.
op.call("alarm_service", id=SP_H, out=True, comment="calibration")
both("out_of_service", SP_H, "out_of_service", "out of service")
write("tank1.level_sp", 85)
B.pump(0.5)
check(server_state(SP_H) == "out_of_service", "out of service it is "
      "not annunciated")
op.call("alarm_service", id=SP_H, out=False)
both("in_service", SP_H, "unack", "back in service, still active: "
     "unacknowledged")
op.call("alarm_ack", ids=[SP_H])
write("tank1.level_sp", 50)
both("clear", SP_H, "normal", "clear after service")

# Suppressed by design while its condition tag is on.
SUP = "tank1.temp_sp:h"
write("tank1.inlet", True)
both("suppress", SUP, "suppressed", "suppressed while the inlet is open")
write("tank1.temp_sp", 80)
B.pump(2.0)
check(server_state(SUP) == "suppressed", "suppressed: not annunciated")
write("tank1.inlet", False)
both("unsuppress", SUP, "unack", "unsuppressed, active: unacknowledged")

# On delay: the condition must hold 1.5 s (tank1.temp_sp:h has it).
write("tank1.temp_sp", 40)
both("clear", SUP, "rtn_unack", "temp_sp back")
op.call("alarm_ack", ids=[SUP])
raised = B.events.count(("active", SUP))
write("tank1.temp_sp", 80)
write("tank1.temp_sp", 40)
B.pump(2.0)
check(B.events.count(("active", SUP)) == raised and server_state(SUP) ==
      "normal", "a condition shorter than its on-delay raises nothing")
t0 = time.monotonic()
write("tank1.temp_sp", 80)
both("active", SUP, "unack", "held past its on-delay")
check(time.monotonic() - t0 > 1.5, "not before its delay")
write("tank1.temp_sp", 40)
op.call("alarm_ack", all=True, where={"area": "tank1"})
B.pump(0.5)

# Deviation from a setpoint tag.
DEV = "tank1.level_sp:dev"
write("tank1.level_sp", 5)
write("tank1.temp_sp", 90)    # |5 - 90| > 60
both("active", DEV, "unack", "deviation from its setpoint tag")
write("tank1.temp_sp", 45)    # 40 < 60 - 2
both("clear", DEV, "rtn_unack", "deviation gone")
r = op.call("alarm_ack", all=True, where={"area": "tank1"})
check(DEV in r["acked"], "acknowledge all shown in an area: %s" %
      r["acked"])

# Both stations saw the same transitions in the same order, without a gap.
A.pump(0.5)
B.pump(0.5)
check(A.events == B.events and A.gaps == 0 and B.gaps == 0,
      "both stations saw the same %d transitions, no gap (gaps %d, %d%s)" %
      (len(A.events), A.gaps, B.gaps, "" if A.events == B.events else
       ": %s against %s" % (A.events, B.events)))
listed = {a["id"]: a["state"] for a in op.call("alarms")["alarms"]}
check({k: v["state"] for k, v in A.alarms.items()} == listed,
      "a station's list agrees with the server's: %s" % listed)

# A station that joins now starts from the snapshot: its first page has
# the list, at the page's seq.
snap = op.call("snapshot")
check({a["id"]: a["state"] for a in snap["alarms"]} == listed,
      "the snapshot's first page carries the alarm list")
