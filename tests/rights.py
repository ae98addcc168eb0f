#!/usr/bin/python3
"""The permission matrix of tests/rights.sh, over the real protocol: each
user on each station reads, writes, browses, lists sessions and reads
the audit trail, and gets exactly what its roles grant there.

usage: rights.py COMMAND_ENDPOINT
"""
import os
import sys

sys.path.insert(0, os.path.join(os.environ["top_srcdir"], "examples"))
import scada  # noqa: E402

CMD = sys.argv[1]
Y, N = True, False

# user, station: read a1, read a2, write a1, write a2, sessions, audit,
# and the tags a browse shows (None: browse refused).
MATRIX = [
    ("u_view1", "s1", Y, N, N, N, N, N, ["a1.x"]),
    ("u_view1", "s2", Y, N, N, N, N, N, ["a1.x"]),
    ("u_op2", "s1", N, Y, N, Y, N, N, ["a2.y"]),
    ("u_admin", "s1", N, N, N, N, Y, Y, None),
    ("u_s2", "s1", N, N, N, N, N, N, None),     # its role is for s2 only
    ("u_s2", "s2", Y, N, Y, N, N, N, ["a1.x"]),
    ("root", "s1", N, N, N, N, Y, N, None),     # by its Unix group
    (None, "s-wall", Y, N, N, N, N, N, ["a1.x"]),   # no login at all
    (None, "s1", N, N, N, N, N, N, None),
]

failures = 0


def allowed(fn):
    """True if the call succeeds; False if refused for want of rights."""
    try:
        fn()
        return True
    except scada.Error as e:
        if e.reply["error"] not in ("permission_denied", "unauthenticated"):
            raise
        return False


for user, station, *want in MATRIX:
    c = scada.Client(CMD, station=station)
    if user is not None:
        c.login(user, lambda p, u=user: "pw-" + u
                if p["style"].startswith("echo") else None)
    got = [
        allowed(lambda: c.call("read", tags=["a1.x"])),
        allowed(lambda: c.call("read", tags=["a2.y"])),
        allowed(lambda: c.call("write", timeout=5, tag="a1.x", value=1)),
        allowed(lambda: c.call("write", timeout=5, tag="a2.y", value=2)),
        allowed(lambda: c.call("sessions")),
        allowed(lambda: c.call("audit", timeout=10, limit=1)),
    ]
    names = None
    try:
        names = sorted(t["name"] for p in c.pages("browse")
                       for t in p["tags"])
    except scada.Error as e:
        assert e.reply["error"] in ("permission_denied", "unauthenticated")
    got.append(names)
    what = "%s on %s" % (user or "(nobody)", station)
    if got != want:
        failures += 1
        print("FAIL: %s: got %s, want %s" % (what, got, want))
    else:
        print("ok - %s: %s" % (what, got))
    if user is not None:
        c.call("logout")

# Writes refused for want of a right or a login are in the trail too.
a = scada.Client(CMD, station="s1")
a.login("u_admin", lambda p: "pw-u_admin"
        if p["style"].startswith("echo") else None)
rows = a.call("audit", timeout=10, where={"action": "write"})["rows"]
refused = sorted({(r.get("user") or "", r.get("station") or "",
                   r.get("tag") or "", r["result"])
                  for r in rows})
want = [("", "s1", "a1.x", "unauthenticated"),
        ("", "s1", "a2.y", "unauthenticated"),
        ("u_view1", "s1", "a1.x", "permission_denied"),
        ("u_view1", "s1", "a2.y", "permission_denied")]
missing = [w for w in want if w not in refused]
if missing:
    failures += 1
    print("FAIL: refused writes not in the trail: %s (of %s)" %
          (missing, refused))
else:
    print("ok - refused writes are in the trail")

sys.exit(1 if failures else 0)
