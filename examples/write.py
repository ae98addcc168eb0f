#!/usr/bin/python3
"""Write a setpoint, retrying safely with the same request id.

usage: write.py TAG VALUE [COMMAND_ENDPOINT]
Exits 0 on success, 1 with the server's error otherwise.
"""
import os
import sys
import uuid

import zmq

tag, value = sys.argv[1], float(sys.argv[2])
endpoint = (sys.argv[3] if len(sys.argv) > 3
            else os.environ.get("SCADA_SERVER", "tcp://127.0.0.1:7700"))
request = {"op": "write", "tag": tag, "value": value,
           "rid": uuid.uuid4().hex}
ctx = zmq.Context.instance()
for attempt in range(3):
    # Lazy Pirate: a REQ socket that timed out is closed and reopened;
    # the same rid makes the server apply the write only once.
    req = ctx.socket(zmq.REQ)
    req.setsockopt(zmq.LINGER, 0)
    req.connect(endpoint)
    req.send_json(request)
    if req.poll(2000):
        reply = req.recv_json()
        if reply["ok"]:
            sys.exit(0)
        sys.exit("write.py: %s: %s" % (reply["error"], reply["message"]))
    req.close()
sys.exit("write.py: no reply from %s" % endpoint)
