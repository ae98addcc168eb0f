#!/usr/bin/python3
"""Dump the live tag image of a scadad server as JSON lines.

usage: snapshot.py [COMMAND_ENDPOINT]   (default $SCADA_SERVER or
tcp://127.0.0.1:7700). Each page is current at its own sequence number,
printed before its tags. Needs python3-zmq. Protocol: scada-proto(7).
"""
import json
import sys

import scada

client = scada.Client(scada.endpoint(sys.argv, 1))
try:
    for page in client.pages("snapshot", limit=1000):
        print("# sequence %d" % page["seq"])
        for tag in page["tags"]:
            print(json.dumps(tag))
except scada.Error as e:
    sys.exit("snapshot.py: %s" % e)
