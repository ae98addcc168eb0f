#!/usr/bin/python3
"""Protocol conformance, from scada-proto(7) alone, against a real scadad.

usage: conformance.py COMMAND_ENDPOINT

The project must be the demo project plus a writable holding-register
tag "test.noaddr" at an address the PLC does not have. Prints one line
per check and exits 1 at the first failure.
"""
import json
import sys
import time
import uuid

import zmq

ENDPOINT = sys.argv[1]
CTX = zmq.Context.instance()
REQ = None


def check(cond, what):
    if not cond:
        print("FAIL: " + what, flush=True)
        sys.exit(1)
    print("ok - " + what, flush=True)


def raw(frames, timeout=3000):
    """Sends raw frames on a fresh REQ socket; returns the reply object."""
    s = CTX.socket(zmq.REQ)
    s.setsockopt(zmq.LINGER, 0)
    s.connect(ENDPOINT)
    s.send_multipart(frames)
    if not s.poll(timeout):
        s.close()
        return None
    reply = json.loads(s.recv())
    s.close()
    return reply


def call(req):
    return raw([json.dumps(req).encode()])


def expect_error(req, code, what):
    r = call(req) if isinstance(req, dict) else raw(req)
    check(r is not None and r["ok"] is False and r["error"] == code
          and isinstance(r.get("message"), str),
          "%s -> %s (%s)" % (what, code, r and r.get("message")))
    return r


def read(name):
    r = call({"op": "read", "tags": [name]})
    return r["tags"][0]


# hello and version negotiation
h = call({"op": "hello", "version": 1})
check(h and h["ok"] and h["version"] == 1 and isinstance(h["instance"], str)
      and 0 < h["pub_port"] < 65536 and isinstance(h["seq"], int),
      "hello version 1")
r = expect_error({"op": "hello", "version": 99}, "version", "hello version 99")
check(r.get("supported") == [1], "version error lists supported versions")
check(call({"op": "ping"})["ok"], "ping")

# Clone pattern: subscribe, snapshot, drop <= seq, strictly sequenced.
host = ENDPOINT.rsplit(":", 1)[0]
sub = CTX.socket(zmq.SUB)
sub.setsockopt(zmq.LINGER, 0)
sub.connect("%s:%d" % (host, h["pub_port"]))
for topic in ("tag/", "hb", "sys/"):
    sub.setsockopt_string(zmq.SUBSCRIBE, topic)
deadline = time.monotonic() + 5
while time.monotonic() < deadline:          # the subscription is live
    if sub.poll(100) and sub.recv_multipart()[0] == b"hb":
        break
snap = call({"op": "snapshot"})
check(snap["ok"] and isinstance(snap["seq"], int) and len(snap["tags"]) >= 14,
      "snapshot has sequence and tags")
image = {t["name"]: t for t in snap["tags"]}
check(all(set(("name", "value", "quality", "ts")) <= set(t) for t in
          snap["tags"]), "every snapshot tag has name, value, quality, ts")
seq = snap["seq"]
applied, heartbeats = 0, 0
deadline = time.monotonic() + 3
while time.monotonic() < deadline:
    if not sub.poll(100):
        continue
    topic, body = sub.recv_multipart()
    msg = json.loads(body)
    if topic == b"hb":
        heartbeats += 1
        check(msg["instance"] == h["instance"] and msg["seq"] >= seq,
              "heartbeat carries the instance and the current sequence")
        continue
    if msg["seq"] <= seq:
        continue
    check(msg["seq"] == seq + 1, "update %d follows %d" % (msg["seq"], seq))
    check(topic.decode() == "tag/" + msg["name"], "topic names the tag")
    seq = msg["seq"]
    image[msg["name"]] = msg
    applied += 1
check(heartbeats >= 2, "about one heartbeat a second (%d in 3 s)" %
      heartbeats)
check(applied > 0, "live updates after the snapshot (%d)" % applied)

# Writes: applied, read back, published.
rid = uuid.uuid4().hex
r = call({"op": "write", "rid": rid, "tag": "tank1.level_sp", "value": 33.5})
check(r["ok"], "write tank1.level_sp 33.5")
check(read("tank1.level_sp")["value"] == 33.5, "read back 33.5")
r = call({"op": "write", "rid": uuid.uuid4().hex,
          "values": {"tank1.level_sp": 44, "tank1.heater_auto": False}})
check(r["ok"], "write two tags at once")
check(read("tank1.heater_auto")["value"] is False, "bool written")

# A retried request id is answered again but applied only once.
r = call({"op": "write", "rid": rid, "tag": "tank1.level_sp", "value": 33.5})
check(r["ok"], "retried rid answered")
check(read("tank1.level_sp")["value"] == 44,
      "retried rid not applied again (still 44)")

# Every error the server can give here.
expect_error([b"{"], "bad_request", "malformed JSON")
expect_error([b"[1,2]"], "bad_request", "body not an object")
expect_error([b"\xff\xfe"], "bad_request", "not UTF-8")
expect_error([b"{}"], "bad_request", "no op")
expect_error({"op": 7}, "bad_request", "op not a string")
expect_error({"op": "ping", "rid": 5}, "bad_request", "rid not a string")
expect_error({"op": "ping", "rid": "x" * 200}, "bad_request", "rid too long")
expect_error({"op": "ping", "rid": "a b"}, "bad_request", "rid with a space")
expect_error([b'{"op":"ping"}', b"extra"], "bad_request", "two frames")
expect_error({"op": "read"}, "bad_request", "read without tags")
expect_error({"op": "read", "tags": [1]}, "bad_request", "tag name not a string")
expect_error({"op": "write", "tag": "tank1.level_sp"}, "bad_request",
             "write without value")
expect_error({"op": "snapshot", "prefix": 3}, "bad_request", "prefix not string")
expect_error({"op": "launch"}, "unknown_op", "unknown op")
r = expect_error({"op": "read", "tags": ["tank1.level", "no.such"]},
                 "unknown_tag", "read unknown tag")
check(r.get("tag") == "no.such", "unknown_tag names the tag")
expect_error({"op": "write", "tag": "no.such", "value": 1}, "unknown_tag",
             "write unknown tag")
expect_error({"op": "write", "tag": "tank1.level", "value": 1},
             "not_writable", "write read-only tag")
expect_error({"op": "write", "tag": "tank1.level_sp", "value": "high"},
             "bad_value", "string for a number")
expect_error({"op": "write", "tag": "tank1.pump", "value": 5}, "bad_value",
             "5 for a switch")
expect_error({"op": "write", "tag": "tank1.level_sp", "value": 96},
             "out_of_range", "above max")
expect_error({"op": "write", "values": {"tank1.level_sp": 20, "no.such": 1}},
             "unknown_tag", "one bad tag in a multi-write")
check(read("tank1.level_sp")["value"] == 44,
      "a refused multi-write changes nothing")
many = {"tank1.level_sp": 1}
many.update({"t%d" % i: 1 for i in range(1000)})
expect_error({"op": "write", "values": many}, "too_large", "1001 writes")
expect_error([b'{"op":"ping","pad":"' + b"x" * (4 * 1024 * 1024) + b'"}'],
             "too_large", "a 4 MiB request")
expect_error({"op": "write", "tag": "test.noaddr", "value": 1},
             "device_error", "PLC exception on write")
t = read("test.noaddr")
check(t["quality"] == "bad" and
      t.get("reason") == "configuration error: Illegal data address",
      "a tag at a missing address is a configuration error (%s)" %
      t.get("reason"))

# DEALER without a delimiter frame is answered in kind.
d = CTX.socket(zmq.DEALER)
d.setsockopt(zmq.LINGER, 0)
d.connect(ENDPOINT)
d.send(b'{"op":"ping"}')
check(d.poll(3000) and json.loads(d.recv())["ok"], "DEALER without delimiter")
d.close()

# Browse and status.
b = call({"op": "browse", "pattern": "tank1.level*"})
names = sorted(t["name"] for t in b["tags"])
check(names == ["tank1.level", "tank1.level_hi", "tank1.level_lo",
                "tank1.level_sp"], "browse with a pattern")
sp = [t for t in b["tags"] if t["name"] == "tank1.level_sp"][0]
check(sp["writable"] and sp["min"] == 5 and sp["max"] == 95 and
      sp["units"] == "%", "browse metadata")
s = call({"op": "status"})
check(s["ok"] and s["tags"] == len(image) and s["bad_requests"] >= 5 and
      s["devices"][0]["connected"] is True, "status: %s" % json.dumps(s))
check(call({"op": "ping"})["ok"], "server alive after all of it")
print("conformance: all checks passed")
