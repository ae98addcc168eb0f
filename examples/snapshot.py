#!/usr/bin/python3
"""Dump the live tag image of a scadad server as JSON lines.

usage: snapshot.py [COMMAND_ENDPOINT]   (default $SCADA_SERVER or
tcp://127.0.0.1:7700). Needs python3-zmq. Protocol: scada-proto(7).
"""
import json
import os
import sys

import zmq

endpoint = (sys.argv[1] if len(sys.argv) > 1
            else os.environ.get("SCADA_SERVER", "tcp://127.0.0.1:7700"))
req = zmq.Context.instance().socket(zmq.REQ)
req.setsockopt(zmq.LINGER, 0)
req.connect(endpoint)
req.send_json({"op": "snapshot"})
if not req.poll(3000):
    sys.exit("snapshot.py: no reply from %s" % endpoint)
reply = req.recv_json()
if not reply["ok"]:
    sys.exit("snapshot.py: %s: %s" % (reply["error"], reply["message"]))
print("# sequence %d" % reply["seq"])
for tag in reply["tags"]:
    print(json.dumps(tag))
