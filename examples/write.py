#!/usr/bin/python3
"""Write a value to a tag: a number, on/off for a switch, text for a string.

usage: write.py TAG VALUE [COMMAND_ENDPOINT]
Prints the value read back from the PLC and exits 0, or prints the
server's error and exits 1. A write may take some seconds when a PLC
is slow to answer; it is retried with the same request id, so the
server applies it once. Protocol: scada-proto(7).
"""
import sys

import scada

tag, text = sys.argv[1], sys.argv[2]
client = scada.Client(scada.endpoint(sys.argv, 3))
try:
    meta = client.call("browse", pattern=tag)["tags"]
    if len(meta) != 1:
        sys.exit("write.py: unknown tag: %s" % tag)
    kind = meta[0]["type"]
    if kind == "string":
        value = text
    elif kind == "bool":
        words = {"on": True, "true": True, "1": True,
                 "off": False, "false": False, "0": False}
        if text.lower() not in words:
            sys.exit("write.py: %s needs on or off, not %r" % (tag, text))
        value = words[text.lower()]
    else:
        value = float(text)
        if value.is_integer():
            value = int(value)      # an integer travels as one
    # The server answers a write within 4 x timeout_ms x (retries + 1)
    # + 1 s of the PLC's settings; 4 s a try, 4 tries, is room enough.
    reply = client.call("write", timeout=4.0, attempts=4, tag=tag,
                        value=value)
except scada.Error as e:
    sys.exit("write.py: %s" % e)
except ValueError:
    sys.exit("write.py: %s needs a number, not %r" % (tag, text))
for t in reply["tags"]:
    print(t["name"], t["value"], t["quality"])
