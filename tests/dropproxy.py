#!/usr/bin/python3
"""A proxy between stations and scadad that loses one update on purpose.

usage: dropproxy.py COMMAND_ENDPOINT PUB_ENDPOINT ENDPOINTS_FILE DROP_FILE

Commands pass through a ROUTER/DEALER pair (hello replies are rewritten
to name the proxy's publish port); publications pass through XSUB/XPUB.
Whenever DROP_FILE exists, the next publication of tag updates is not
forwarded and the file is removed. The proxy's command endpoint is written to
ENDPOINTS_FILE as "command ENDPOINT".
"""
import json
import os
import sys

import zmq

cmd, pub, endpoints_file, drop_file = sys.argv[1:5]
ctx = zmq.Context.instance()
front = ctx.socket(zmq.ROUTER)
front.bind("tcp://127.0.0.1:*")
back = ctx.socket(zmq.DEALER)
back.connect(cmd)
xpub = ctx.socket(zmq.XPUB)
xpub.bind("tcp://127.0.0.1:*")
xsub = ctx.socket(zmq.XSUB)
xsub.connect(pub)
xpub_port = int(xpub.getsockopt_string(zmq.LAST_ENDPOINT).rsplit(":", 1)[1])
with open(endpoints_file + ".tmp", "w") as f:
    f.write("command %s\n" % front.getsockopt_string(zmq.LAST_ENDPOINT))
os.rename(endpoints_file + ".tmp", endpoints_file)

poller = zmq.Poller()
for s in (front, back, xpub, xsub):
    poller.register(s, zmq.POLLIN)
while True:
    for sock, _ in poller.poll():
        frames = sock.recv_multipart()
        if sock is front:
            back.send_multipart(frames)
        elif sock is back:
            body = json.loads(frames[-1])
            if "pub_port" in body:
                body["pub_port"] = xpub_port
                frames[-1] = json.dumps(body).encode()
            front.send_multipart(frames)
        elif sock is xpub:
            xsub.send_multipart(frames)     # subscriptions upstream
        else:
            if frames[0] == b"tags" and os.path.exists(drop_file):
                os.unlink(drop_file)
                print("dropped seq %d" % json.loads(frames[1])["seq"],
                      flush=True)
                continue
            xpub.send_multipart(frames)
