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


def check(cond, what):
    if not cond:
        print("FAIL: " + what, flush=True)
        sys.exit(1)
    print("ok - " + what, flush=True)


def raw(frames, timeout=5000):
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


def call(req, version=2):
    if version is not None:
        req = dict(req, v=version)
    return raw([json.dumps(req).encode()])


def expect_error(req, code, what):
    r = call(req) if isinstance(req, dict) else raw(req)
    check(r is not None and r["ok"] is False and r["error"] == code
          and isinstance(r.get("message"), str) and
          isinstance(r.get("gen"), int),
          "%s -> %s (%s)" % (what, code, r and r.get("message")))
    return r


def read(name):
    r = call({"op": "read", "tags": [name]})
    return r["tags"][0]


def pages(op, **args):
    """Every page of a browse or snapshot, in order."""
    out, cursor = [], 0
    while True:
        r = call(dict(args, op=op, cursor=cursor))
        check(r["ok"], "%s page from %d" % (op, cursor))
        out.append(r)
        if "next" not in r:
            return out
        check(isinstance(r["next"], int) and r["next"] > cursor,
              "%s: next %s follows %d" % (op, r["next"], cursor))
        cursor = r["next"]


# hello, and what a client of version 1 gets
h = call({"op": "hello", "rid": "c-1"})
check(h and h["ok"] and h["version"] == 2 and h["supported"] == [2] and
      isinstance(h["instance"], str) and 0 < h["pub_port"] < 65536 and
      isinstance(h["seq"], int) and isinstance(h["gen"], int) and
      h["rid"] == "c-1", "hello version 2")
check(h["limits"]["read_tags"] == 10000 and
      h["limits"]["page_tags"] == 10000 and
      h["limits"]["request_bytes"] == 4 * 1024 * 1024, "hello tells limits")
r = call({"op": "hello", "version": 1, "rid": "c-2"}, version=None)
check(r["ok"] is False and r["error"] == "version" and
      r["supported"] == [2] and r["rid"] == "c-2",
      "a version-1 hello gets a version error (%s)" % r["message"])
r = call({"op": "read", "tags": ["tank1.level"]}, version=None)
check(r["ok"] is False and r["error"] == "version",
      "a request without v gets a version error")
for bad in (1, 3, 2.0, "2"):
    r = call({"op": "ping"}, version=bad)
    check(r["ok"] is False and r["error"] == "version",
          "v %r refused" % (bad,))
r = call({"op": "ping", "rid": "p-1", "session": "reserved-token"})
check(r["ok"] and r["rid"] == "p-1" and r["gen"] == h["gen"],
      "ping echoes rid and gen, takes a session")

# Clone pattern: subscribe to everything, wait until the subscription is
# live (a heartbeat), snapshot page by page, drop <= seq, strictly
# sequenced whatever the topic.
host = ENDPOINT.rsplit(":", 1)[0]
sub = CTX.socket(zmq.SUB)
sub.setsockopt(zmq.LINGER, 0)
sub.setsockopt_string(zmq.SUBSCRIBE, "")
sub.connect("%s:%d" % (host, h["pub_port"]))
deadline = time.monotonic() + 5
while time.monotonic() < deadline:
    if sub.poll(100) and sub.recv_multipart()[0] == b"hb":
        break
snaps = pages("snapshot", limit=5)
check(len(snaps) >= 3, "a snapshot of 5 tags a page comes in pages")
first = snaps[0]["seq"]
image = {}
for page in snaps:
    check(page["instance"] == h["instance"] and page["gen"] == h["gen"] and
          page["total"] == h["tags"] and page["seq"] >= first,
          "snapshot page: instance, gen, total, seq")
    for t in page["tags"]:
        image[t["name"]] = (t, page["seq"])
check(len(image) == h["tags"], "the pages hold every tag once (%d)" %
      len(image))
check(all(set(("name", "value", "quality", "ts")) <= set(t) for t, _ in
          image.values()), "every snapshot tag has name, value, quality, ts")
seq = first


def publications(seconds):
    """Publications for some seconds, each checked: the instance and
    generation of the hello, and the sequence without holes."""
    global seq
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not sub.poll(100):
            continue
        topic, body = sub.recv_multipart()
        msg = json.loads(body)
        check(msg["instance"] == h["instance"] and msg["gen"] == h["gen"],
              "%s carries instance and gen" % topic.decode())
        if topic == b"hb":
            check(msg["seq"] >= seq, "heartbeat repeats the last seq")
        elif msg["seq"] <= seq:
            continue            # already in the snapshot
        else:
            check(msg["seq"] == seq + 1, "publication %d follows %d" %
                  (msg["seq"], seq))
            seq = msg["seq"]
        yield topic, msg


applied, heartbeats, batches = 0, 0, 0
for topic, msg in publications(3):
    if topic == b"hb":
        heartbeats += 1
    if topic != b"tags":
        continue
    batches += 1
    for t in msg["tags"]:
        old = image.get(t["name"])
        check(old is not None, "published tag %s is known" % t["name"])
        if msg["seq"] > old[1]:
            image[t["name"]] = (t, msg["seq"])
        applied += 1
check(heartbeats >= 2, "about one heartbeat a second (%d in 3 s)" %
      heartbeats)
check(applied > 0, "live updates after the snapshot (%d in %d batches)" %
      (applied, batches))


def wait_published(name, value):
    """The seq of the publication that sets name to value, or None."""
    for topic, msg in publications(5):
        if topic == b"tags" and any(t["name"] == name and t["value"] == value
                                    for t in msg["tags"]):
            return msg["seq"]
    return None


# Writes: applied, read back in the reply, published before the reply.
rid = uuid.uuid4().hex
r = call({"op": "write", "rid": rid, "tag": "tank1.level_sp", "value": 33.5})
check(r["ok"] and r["rid"] == rid, "write tank1.level_sp 33.5")
check(r["tags"][0]["name"] == "tank1.level_sp" and
      r["tags"][0]["value"] == 33.5 and r["tags"][0]["quality"] == "good",
      "the write reply holds the value read back")
got = wait_published("tank1.level_sp", 33.5)
check(got is not None and got <= r["seq"],
      "the write was published at seq %s, no later than the reply's %d" %
      (got, r["seq"]))
check(read("tank1.level_sp")["value"] == 33.5, "read back 33.5")
r = call({"op": "write", "rid": uuid.uuid4().hex,
          "values": {"tank1.level_sp": 44, "tank1.heater_auto": False}})
check(r["ok"] and len(r["tags"]) == 2, "write two tags at once")
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
expect_error([b'{"v":2}'], "bad_request", "no op")
expect_error({"op": 7}, "bad_request", "op not a string")
expect_error({"op": "ping", "rid": 5}, "bad_request", "rid not a string")
expect_error({"op": "ping", "rid": "x" * 200}, "bad_request", "rid too long")
expect_error({"op": "ping", "rid": "a b"}, "bad_request", "rid with a space")
expect_error({"op": "ping", "session": 5}, "bad_request", "session not a "
             "string")
expect_error([b'{"v":2,"op":"ping"}', b"extra"], "bad_request",
             "two frames")
expect_error({"op": "read"}, "bad_request", "read without tags")
expect_error({"op": "read", "tags": [1]}, "bad_request", "tag name not a string")
expect_error({"op": "read", "tags": ["tank1.level"] * 10001}, "too_large",
             "a read of 10001 tags")
expect_error({"op": "write", "tag": "tank1.level_sp"}, "bad_request",
             "write without value")
expect_error({"op": "snapshot", "prefix": 3}, "bad_request", "prefix not string")
expect_error({"op": "snapshot", "cursor": -1}, "bad_request", "negative cursor")
expect_error({"op": "snapshot", "cursor": 1.5}, "bad_request", "real cursor")
expect_error({"op": "browse", "limit": 0}, "bad_request", "limit 0")
expect_error({"op": "browse", "limit": 10001}, "bad_request", "limit 10001")
expect_error({"op": "browse", "pattern": ["x"]}, "bad_request",
             "pattern not a string")
expect_error({"op": "snapshot", "meta": "yes"}, "bad_request",
             "meta not a bool")
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
expect_error({"op": "write", "tag": "tank1.pump", "value": 1.0}, "bad_value",
             "1.0 for a switch (an integer means no fraction)")
r = expect_error({"op": "write", "tag": "tank1.level_sp", "value": 95.01},
                 "out_of_range", "above max")
check("95.01" in r["message"], "the message echoes 95.01: " + r["message"])
expect_error({"op": "write", "tag": "tank1.level_sp", "value": 4.99},
             "out_of_range", "below min")
for edge in (5, 95, 44):
    r = call({"op": "write", "tag": "tank1.level_sp", "value": edge})
    check(r["ok"] and r["tags"][0]["value"] == edge,
          "write %s, on the edge of 5..95" % edge)
expect_error({"op": "write", "values": {"tank1.level_sp": 20, "no.such": 1}},
             "unknown_tag", "one bad tag in a multi-write")
check(read("tank1.level_sp")["value"] == 44,
      "a refused multi-write changes nothing")
many = {"tank1.level_sp": 1}
many.update({"t%d" % i: 1 for i in range(1000)})
expect_error({"op": "write", "values": many}, "too_large", "1001 writes")
expect_error([b'{"v":2,"op":"ping","pad":"' + b"x" * (4 * 1024 * 1024) +
              b'"}'], "too_large", "a 4 MiB request")
expect_error([b'{"v":2,"op":"ping","pad":[' + b",".join([b"{}"] * 100001)
              + b"]}"], "too_large", "a request of 100001 JSON values")
expect_error({"op": "write", "tag": "test.noaddr", "value": 1},
             "device_error", "PLC exception on write")
t = read("test.noaddr")
check(t["quality"] == "bad" and
      t.get("reason") == "configuration error: Illegal data address",
      "a tag at a missing address is a configuration error (%s)" %
      t.get("reason"))

# DEALER with and without a delimiter frame is answered in kind.
d = CTX.socket(zmq.DEALER)
d.setsockopt(zmq.LINGER, 0)
d.connect(ENDPOINT)
d.send(b'{"v":2,"op":"ping","rid":"d-1"}')
check(d.poll(3000) and json.loads(d.recv())["rid"] == "d-1",
      "DEALER without delimiter")
d.send_multipart([b"", b'{"v":2,"op":"ping","rid":"d-2"}',])
f = d.recv_multipart() if d.poll(3000) else []
check(len(f) == 2 and f[0] == b"" and json.loads(f[1])["rid"] == "d-2",
      "DEALER with a delimiter")
d.close()

# Browse: paged, with a pattern, ids and metadata.
b = pages("browse", pattern="tank1.level*")
names = sorted(t["name"] for p in b for t in p["tags"])
check(names == ["tank1.level", "tank1.level_hi", "tank1.level_lo",
                "tank1.level_sp"], "browse with a pattern")
sp = [t for p in b for t in p["tags"] if t["name"] == "tank1.level_sp"][0]
check(sp["writable"] and sp["min"] == 5 and sp["max"] == 95 and
      sp["units"] == "%" and isinstance(sp["id"], int), "browse metadata")
allb = pages("browse", limit=3)
ids = [t["id"] for p in allb for t in p["tags"]]
check(ids == sorted(ids) and len(set(ids)) == h["tags"],
      "browse pages in id order, each tag once")
m = call({"op": "snapshot", "meta": True, "limit": 2})
check("units" in m["tags"][0] and "value" in m["tags"][0],
      "a snapshot with meta has values and metadata")
s = call({"op": "status"})
check(s["ok"] and s["tags"] == h["tags"] and s["bad_requests"] >= 5 and
      s["gen"] == h["gen"] and s["devices"][0]["connected"] is True,
      "status: %s" % json.dumps(s))
check(call({"op": "ping"})["ok"], "server alive after all of it")
print("conformance: all checks passed")
