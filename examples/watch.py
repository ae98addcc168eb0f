#!/usr/bin/python3
"""Follow tag updates the Clone way: subscribe, snapshot, apply in order.

usage: watch.py [PREFIX] [COMMAND_ENDPOINT]
Prints "name value quality" lines; resyncs on a sequence gap or when the
server restarts (new instance id in the heartbeat).
"""
import os
import sys

import zmq

prefix = sys.argv[1] if len(sys.argv) > 1 else ""
endpoint = (sys.argv[2] if len(sys.argv) > 2
            else os.environ.get("SCADA_SERVER", "tcp://127.0.0.1:7700"))
ctx = zmq.Context.instance()


def call(request):
    req = ctx.socket(zmq.REQ)
    req.setsockopt(zmq.LINGER, 0)
    req.connect(endpoint)
    req.send_json(request)
    reply = req.recv_json() if req.poll(2000) else None
    req.close()
    return reply


hello = call({"op": "hello", "version": 1})
if hello is None:
    sys.exit("watch.py: no reply from %s" % endpoint)
host = endpoint.rsplit(":", 1)[0]
sub = ctx.socket(zmq.SUB)
sub.connect("%s:%d" % (host, hello["pub_port"]))
sub.setsockopt_string(zmq.SUBSCRIBE, "tag/")
sub.setsockopt_string(zmq.SUBSCRIBE, "hb")
seq, instance = None, None
while True:
    if seq is None:
        snap = call({"op": "snapshot"})
        if snap is None:
            continue
        seq, instance = snap["seq"], snap["instance"]
        for t in snap["tags"]:
            if t["name"].startswith(prefix):
                print(t["name"], t["value"], t["quality"], flush=True)
    topic, body = sub.recv_multipart()
    msg = zmq.utils.jsonapi.loads(body)
    if topic == b"hb":
        if msg["instance"] != instance or msg["seq"] > seq:
            seq = None      # restarted or we missed something: resync
        continue
    if msg["seq"] <= seq:
        continue            # already in the snapshot
    if msg["seq"] != seq + 1:
        seq = None
        continue
    seq = msg["seq"]
    if msg["name"].startswith(prefix):
        print(msg["name"], msg["value"], msg["quality"], flush=True)
