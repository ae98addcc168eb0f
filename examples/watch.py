#!/usr/bin/python3
"""Follow tag values: every value of the image first, then each change.

usage: watch.py [PREFIX] [COMMAND_ENDPOINT]
Prints "name value quality" lines, and "# resync" or "# offline: why"
whenever the image had to be taken again: after a lost update, a server
restart, a project reload or a silent server. Protocol: scada-proto(7).
"""
import sys

import scada

prefix = sys.argv[1] if len(sys.argv) > 1 else ""


def changed(t):
    if t["name"].startswith(prefix):
        print(t["name"], t["value"], t["quality"], t.get("reason", ""),
              flush=True)


try:
    scada.Mirror(scada.Client(scada.endpoint(sys.argv, 2)), changed).run()
except KeyboardInterrupt:
    pass
