"""A small client of scadad, written from scada-proto(7) alone.

Copy it with the examples: call() sends one request the Lazy Pirate
way, login() holds the PAM conversation and keeps the session, pages()
walks a paged browse or snapshot, and Mirror keeps a live copy of the
tag image with the Clone pattern. With keys() a link is CurveZMQ, as a
server with curve = yes wants. Needs python3-zmq.
"""
import json
import os
import time
import uuid

import zmq

VERSION = 2
CTX = zmq.Context.instance()


def endpoint(argv, i):
    """The command endpoint: argv[i], $SCADA_SERVER or the default."""
    if len(argv) > i:
        return argv[i]
    return os.environ.get("SCADA_SERVER") or "tcp://127.0.0.1:7700"


class Error(Exception):
    def __init__(self, reply):
        super().__init__("%s: %s" % (reply["error"], reply["message"]))
        self.reply = reply


def keys(secret_file, server_public_file):
    """A station's key pair and the server's public key, from the files
    scadactl keygen writes (CZMQ certificates), as Client(keys=) takes
    them."""
    def field(path, name):
        with open(path) as f:
            for line in f:
                key, _, value = line.strip().partition("=")
                if key.strip() == name:
                    return value.strip().strip('"').encode()
        raise ValueError("%s: no %s" % (path, name))
    return (field(secret_file, "public-key"),
            field(secret_file, "secret-key"),
            field(server_public_file, "public-key"))


class Client:
    """Requests on a REQ socket, each retried with the same request id.

    station names this machine on a plain link (under CurveZMQ the
    server knows it by its key); after login() every request carries
    the session.
    """

    def __init__(self, command, timeout=1.5, attempts=3, keys=None,
                 station=None):
        self.command = command
        self.timeout = timeout
        self.attempts = attempts
        self.keys = keys
        self.station = station
        self.session = None
        self.prefix = uuid.uuid4().hex
        self.count = 0
        self.sock = None

    def secure(self, sock):
        """Makes sock a CurveZMQ client of the server, if keys are set."""
        if self.keys is not None:
            sock.curve_publickey, sock.curve_secretkey, \
                sock.curve_serverkey = self.keys

    def call(self, op, timeout=None, attempts=None, **fields):
        """The reply to one request; raises Error for an error reply."""
        self.count += 1
        body = dict(fields, v=VERSION, op=op,
                    rid="%s-%d" % (self.prefix, self.count))
        if self.session is not None:
            body.setdefault("session", self.session)
        if self.station is not None:
            body.setdefault("station", self.station)
        text = json.dumps(body).encode()
        for attempt in range(attempts or self.attempts):
            if self.sock is None:
                self.sock = CTX.socket(zmq.REQ)
                self.sock.setsockopt(zmq.LINGER, 0)
                self.secure(self.sock)
                self.sock.connect(self.command)
            self.sock.send(text)
            if self.sock.poll(int((timeout or self.timeout) * 1000)):
                reply = json.loads(self.sock.recv())
                if not reply["ok"]:
                    raise Error(reply)
                return reply
            # A REQ socket without its reply is stuck: a new one, and
            # the same rid, so a write is applied once however often
            # it is sent.
            self.sock.close()
            self.sock = None
        raise Error({"error": "unreachable", "message":
                     "no reply from %s" % self.command})

    def login(self, user, answer):
        """Logs user in: answer(prompt) gives the text for each prompt
        of the server's PAM conversation (a password, a one-time code),
        and the texts that need none are handed to it too, with their
        style. Returns the final reply; the session is kept."""
        reply = self.call("login", timeout=10, attempts=1, user=user)
        while reply["state"] == "prompt":
            for m in reply.get("messages", []):
                answer(m)
            answers = [answer(p) for p in reply["prompts"]]
            reply = self.call("login", timeout=10, attempts=1,
                              login=reply["login"],
                              answers=[a for a, p in
                                       zip(answers, reply["prompts"])
                                       if p["style"].startswith("echo")])
        for m in reply.get("messages", []):
            answer(m)
        self.session = reply["session"]
        return reply

    def pages(self, op, **fields):
        """Every page of a browse or snapshot, as the replies."""
        cursor = 0
        while True:
            reply = self.call(op, cursor=cursor, **fields)
            yield reply
            if "next" not in reply:
                return
            cursor = reply["next"]

    def pub_endpoint(self, hello):
        return "%s:%d" % (self.command.rsplit(":", 1)[0], hello["pub_port"])


class Mirror:
    """A live copy of the tag image (scada-proto(7), KEEPING A LIVE IMAGE).

    changed(tag) is called for every value set; online tells whether
    the image is current.
    """

    def __init__(self, client, changed=None):
        self.client = client
        self.changed = changed or (lambda tag: None)
        self.sub = CTX.socket(zmq.SUB)
        self.sub.setsockopt(zmq.LINGER, 0)
        client.secure(self.sub)
        self.sub.setsockopt_string(zmq.SUBSCRIBE, "")    # every topic
        self.pub = None
        self.tags = {}          # name -> (value object, its seq)
        self.instance = self.gen = None
        self.seq = 0
        self.online = False
        self.heard = 0.0
        self.silence = 2.2

    def sync(self):
        """Hello, subscribe, then the snapshot page by page."""
        self.online = False
        hello = self.client.call("hello", timeout=1.0, attempts=1)
        period = hello["heartbeat_ms"] / 1000
        self.silence = 2.2 if period <= 1 else 2 * period + 0.2
        pub = self.client.pub_endpoint(hello)
        if pub != self.pub:
            if self.pub is not None:
                self.sub.disconnect(self.pub)
            self.sub.connect(pub)
            self.pub = pub
        while self.sub.poll(0):             # an older sync's leftovers
            self.sub.recv_multipart()
        self.instance, self.gen = hello["instance"], hello["gen"]
        self.tags, first = {}, None
        for page in self.client.pages("snapshot", limit=1000):
            if (page["instance"], page["gen"]) != (self.instance,
                                                   self.gen):
                return False        # restarted or reloaded meanwhile
            if first is None:
                first = self.seq = page["seq"]
            for t in page["tags"]:
                # A publication newer than the page has the last word.
                old = self.tags.get(t["name"])
                if old is None or old[1] <= page["seq"]:
                    self.tags[t["name"]] = (t, page["seq"])
                    self.changed(t)
            self.drain()            # publications during the pages
        self.online, self.heard = True, time.monotonic()
        return True

    def apply(self, topic, msg):
        """One publication, in order; False if the image is lost."""
        self.heard = time.monotonic()
        if (msg.get("instance"), msg.get("gen")) != (self.instance,
                                                     self.gen):
            return False            # another server or another project
        if topic == b"hb":
            return msg["seq"] <= self.seq
        if msg["seq"] <= self.seq:
            return True             # already in the snapshot
        if msg["seq"] != self.seq + 1:
            return False            # a hole: something was lost
        self.seq = msg["seq"]
        if topic == b"tags":
            for t in msg["tags"]:
                old = self.tags.get(t["name"])
                if old is None or old[1] < self.seq:
                    self.tags[t["name"]] = (t, self.seq)
                    self.changed(t)
        elif topic in (b"sys/shutdown", b"sys/reload"):
            return False
        return True                 # and topics we do not know: ignored

    def drain(self, wait=0):
        """Applies what has arrived; False if the image is lost."""
        while self.sub.poll(wait):
            topic, body = self.sub.recv_multipart()
            if not self.apply(topic, json.loads(body)):
                self.online = False
                return False
            wait = 0
        return True

    def run(self, until=None):
        """Keeps the image current until until() says stop."""
        while until is None or not until():
            try:
                if not self.online and not self.sync():
                    continue
            except Error as e:
                print("# offline: %s" % e, flush=True)
                time.sleep(2)
                continue
            if not self.drain(250) or \
                    time.monotonic() - self.heard > self.silence:
                self.online = False
                print("# resync", flush=True)
