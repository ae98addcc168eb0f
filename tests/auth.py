#!/usr/bin/python3
"""Logins over the real protocol, through the server's real PAM stack
(the demo's: pam_pwdfile, pam_oath), as tests/auth.sh sets it up.

usage: auth.py COMMAND_ENDPOINT PUBLISH_ENDPOINT HELPER_PID
"""
import base64
import hashlib
import hmac
import json
import os
import struct
import sys
import time

import zmq

sys.path.insert(0, os.path.join(os.environ["top_srcdir"], "examples"))
import scada  # noqa: E402

CMD, PUB, HELPER = sys.argv[1], sys.argv[2], int(sys.argv[3])
OATH_KEY = bytes.fromhex("3132333435363738393031323334353637383930")


def check(cond, what):
    if not cond:
        sys.exit("FAIL: " + what)
    print("ok - " + what)


def totp(at=None):
    """RFC 6238, as pam_oath checks it: 6 digits, 30 s steps."""
    counter = int((at or time.time()) // 30)
    mac = hmac.new(OATH_KEY, struct.pack(">Q", counter),
                   hashlib.sha1).digest()
    off = mac[-1] & 15
    code = (struct.unpack(">I", mac[off:off + 4])[0] & 0x7fffffff) % 10**6
    return "%06d" % code


def answers(*texts):
    """answer() for Client.login: texts in turn, for the prompts."""
    queue = list(texts)
    seen = []

    def answer(prompt):
        seen.append(prompt)
        if prompt["style"].startswith("echo"):
            return queue.pop(0)
        return None
    answer.seen = seen
    return answer


def error_of(fn):
    try:
        fn()
    except scada.Error as e:
        return e.reply
    return None


def children(pid):
    """How many processes pid has as their parent."""
    n = 0
    for d in os.listdir("/proc"):
        try:
            with open("/proc/%s/stat" % d) as f:
                stat = f.read()
        except OSError:
            continue
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
            n += 1
    return n


def station(name):
    return scada.Client(CMD, station=name)


sub = scada.CTX.socket(zmq.SUB)
sub.setsockopt_string(zmq.SUBSCRIBE, "session")
sub.connect(PUB)


def session_events(wait):
    end, got = time.monotonic() + wait, []
    while time.monotonic() < end:
        if sub.poll(100):
            topic, body = sub.recv_multipart()
            got.append(json.loads(body))
    return got


# Without a login, only the public operations.
a = station("op1")
check(a.call("hello")["ok"] and a.call("ping")["ok"], "hello and ping public")
e = error_of(lambda: a.call("read", tags=["tank1.level"]))
check(e and e["error"] == "unauthenticated", "no read before a login")
e = error_of(lambda: a.call("read", tags=["tank1.level"], session="f" * 64))
check(e and e["error"] == "unauthenticated" and "not known" in e["message"],
      "a forged session opens nothing: " + (e or {}).get("message", ""))

# The operator: a password, then view and operate in tank1 only.
me = a.login("operator", answers("operator"))
check(me["user"] == "operator" and me["station"] == "op1" and
      len(me["session"]) == 64, "operator logged in on op1")
check(a.call("read", tags=["tank1.level"])["tags"][0]["quality"] in
      ("good", "bad", "uncertain"), "read after the login")
e = error_of(lambda: a.call("read", tags=["sys.plc1.errors"]))
check(e and e["error"] == "permission_denied" and e["area"] == "sys",
      "no view of area sys: " + (e or {}).get("message", ""))
check(a.call("write", timeout=5, tag="tank1.level_sp", value=47)["ok"],
      "write in tank1")

# A wrong password and an unknown user read the same; the next try of
# that user, or from that station, waits, and says how long.
b = station("s-wrong")
e = error_of(lambda: b.login("operator", answers("nope")))
check(e and e["error"] == "auth_failed" and e["message"] ==
      "login incorrect" and e["retry_after_ms"] >= 900, "wrong password")
e2 = error_of(lambda: b.login("operator", answers("operator")))
check(e2 and e2["error"] == "throttled" and e2["retry_after_ms"] > 0 and
      "wait" in e2["message"], "throttled: " + (e2 or {}).get("message", ""))
time.sleep(e2["retry_after_ms"] / 1000 + 0.1)
check(b.login("operator", answers("operator"))["user"] == "operator",
      "the right password after the wait")
time.sleep(0.1)
c = station("s-ghost")
e = error_of(lambda: c.login("ghost", answers("whatever")))
check(e and e["error"] == "auth_failed" and e["message"] ==
      "login incorrect", "an unknown user reads as a wrong password")

# A login's rid sent again from another station is no retry of it: it
# gets no copy of the reply, and so no session token.
x = station("s-thief")
x.prefix, x.count = b.prefix, b.count - 1
r = x.call("login", timeout=10, attempts=1, user="viewer")
check(r.get("state") == "prompt" and "session" not in r,
      "another station reusing a login's rid gets a new conversation")

# Two prompts: the engineer's password, then a one-time code.
d = station("s-eng")
ask = answers("engineer", totp())
me = d.login("engineer", ask)
prompts = [p["text"] for p in ask.seen if p["style"] == "echo_off"]
check(len(prompts) == 2 and "One-time password" in prompts[1],
      "password, then one-time code: %s" % prompts)
who = d.call("whoami")
check(who["user"] == "engineer" and any("audit" in g["functions"]
                                        for g in who["rights"]),
      "the engineer may read the audit trail")

# A conversation nobody finishes is ended, and its PAM process with it.
f = station("s-slow")
r = f.call("login", timeout=10, attempts=1, user="operator")
check(r["state"] == "prompt" and children(HELPER) >= 1,
      "a login waits for its answer in a helper child")
time.sleep(6.5)
e = error_of(lambda: f.call("login", timeout=10, attempts=1,
                            login=r["login"], answers=["operator"]))
check(e and e["error"] == "auth_failed" and "no such login" in e["message"],
      "an abandoned login times out: " + (e or {}).get("message", ""))
check(children(HELPER) == 0, "its PAM process is gone")

# Idle: the station s-idle logs out after 2 s without a request.
g = station("s-idle")
me = g.login("operator", answers("operator"))
got = session_events(3.5)
e = error_of(lambda: g.call("read", tags=["tank1.level"]))
check(e and e["error"] == "unauthenticated", "logged out when idle")
check(any(ev["id"] == me["id"] and ev["reason"] == "idle" for ev in got),
      "every station hears the idle logout: %s" % got)

# An admin ends another's session; a logout ends one's own.
h = station("s-rev")
victim = h.login("operator", answers("operator"))
lst = d.call("sessions")["sessions"]
check(any(s["id"] == victim["id"] and s["station"] == "s-rev" and
          "token" not in s and "session" not in s for s in lst),
      "sessions lists the login, never its token")
e = error_of(lambda: a.call("sessions"))
check(e and e["error"] == "permission_denied" and e["right"] == "users",
      "the operator may not list sessions")
check(d.call("revoke", id=victim["id"])["ok"], "revoke")
got = session_events(0.5)
e = error_of(lambda: h.call("read", tags=["tank1.level"]))
check(e and e["error"] == "unauthenticated", "a revoked session is gone")
check(any(ev["id"] == victim["id"] and ev["reason"] == "revoked"
          for ev in got), "every station hears the revocation")
a.call("logout")
e = error_of(lambda: a.call("read", tags=["tank1.level"]))
check(e and e["error"] == "unauthenticated", "logout")

# The trail has all of it.
rows = d.call("audit", limit=1000, timeout=10)["rows"]
acts = [(r.get("user"), r["action"], r["result"]) for r in rows]
check(("operator", "login", "ok") in acts, "audit: a login: %s" % acts[:8])
check((None, "login", "auth_failed") in acts or
      any(a[1] == "login" and a[2] == "auth_failed" for a in acts),
      "audit: a failed login")
w = [r for r in rows if r["action"] == "write" and
     r.get("tag") == "tank1.level_sp"]
check(w and w[-1]["new"] == 47 and "old" in w[-1] and
      w[-1]["user"] == "operator" and w[-1]["station"] == "op1",
      "audit: the write, with old and new value: %s" % (w[-1:] or None))
check(any(a[1] == "logout" and r.get("detail") == "revoked"
          for a, r in zip(acts, rows)), "audit: the revocation")
check(d.call("audit_verify", timeout=10)["valid"], "the chain is intact")
