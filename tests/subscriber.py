#!/usr/bin/python3
"""An independent subscriber, written from scada-proto(7) alone.

usage: subscriber.py PUB_ENDPOINT TAG VALUE SECONDS

Prints "ready" once a heartbeat proves the subscription is live, then
exits 0 when TAG is published with VALUE and good quality, 1 if that does
not happen within SECONDS. Every publication but the heartbeat must take
the next sequence number, whatever its topic.
"""
import json
import sys
import time

import zmq


def main():
    endpoint, tag, value, seconds = sys.argv[1:5]
    want = float(value)
    sub = zmq.Context.instance().socket(zmq.SUB)
    sub.connect(endpoint)
    sub.setsockopt_string(zmq.SUBSCRIBE, "")    # every topic
    deadline = time.monotonic() + float(seconds)
    ready = False
    last_seq = None
    while time.monotonic() < deadline:
        if not sub.poll(100):
            continue
        topic, body = sub.recv_multipart()
        msg = json.loads(body)
        if topic == b"hb":
            if not ready:
                print("ready", flush=True)
                ready = True
            continue
        seq = msg["seq"]
        if last_seq is not None and seq != last_seq + 1:
            print("gap: %d after %d" % (seq, last_seq), flush=True)
            return 1
        last_seq = seq
        if topic != b"tags":
            continue
        for t in msg["tags"]:
            if (t["name"] == tag and t["quality"] == "good"
                    and abs(t["value"] - want) < 1e-9):
                print("got %s = %s seq %d" % (tag, t["value"], seq),
                      flush=True)
                return 0
    print("timeout waiting for %s = %s" % (tag, value), flush=True)
    return 1


if __name__ == "__main__":
    sys.exit(main())
