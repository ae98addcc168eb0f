#!/usr/bin/python3
"""Log in, read a tag and write it, as a script would on a plant whose
server asks for logins, on a plain or a CurveZMQ link.

usage: login.py USER TAG VALUE [COMMAND_ENDPOINT]
The password (and a one-time code, if the PAM service asks one) are
read from standard input, one line each, or asked on the terminal.
With SCADA_KEY and SCADA_SERVER_KEY set to key files (scadactl keygen)
the link is CurveZMQ. Prints the value read back and exits 0, or the
server's error and exits 1. Protocol: scada-proto(7).
"""
import getpass
import os
import socket
import sys

import scada

user, tag, value = sys.argv[1], sys.argv[2], sys.argv[3]
keys = None
if os.environ.get("SCADA_KEY"):
    keys = scada.keys(os.environ["SCADA_KEY"],
                      os.environ["SCADA_SERVER_KEY"])
client = scada.Client(scada.endpoint(sys.argv, 4), keys=keys,
                      station=os.environ.get("SCADA_STATION") or
                      socket.gethostname().split(".")[0])


def answer(prompt):
    """A prompt's answer; a text to show, shown."""
    if not prompt["style"].startswith("echo"):
        print(prompt["text"], file=sys.stderr)
        return None
    if not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\n")
    if prompt["style"] == "echo_off":
        return getpass.getpass(prompt["text"])
    return input(prompt["text"])


try:
    me = client.login(user, answer)
    print("# logged in as %s on %s" % (me["user"], me["station"]))
    reply = client.call("write", timeout=4.0, attempts=4, tag=tag,
                        value=float(value))
    client.call("logout")
except scada.Error as e:
    sys.exit("login.py: %s" % e)
for t in reply["tags"]:
    print(t["name"], t["value"], t["quality"])
