#!/usr/bin/python3
"""Every data type and byte order through the real driver.

usage: datatypes.py tags COUNT            prints the tag table (CSV rows)
       datatypes.py check COMMAND_ENDPOINT MODBUS_PORT [BASE]

Each value is written through scadad and must read back the same; the
registers the PLC then holds are read with pymodbus and compared with
an encoding done here with struct, from the byte order's definition in
scada-project(5). The other way too: registers set directly in the PLC
must decode to the value. BASE is the first holding register used.
"""
import json
import struct
import sys
import time
import uuid

import zmq
from pymodbus.client import ModbusTcpClient

TYPES = [  # name, struct code, registers, sample values
    ("int16", ">h", 1, [-12345, 32767]),
    ("uint16", ">H", 1, [54321, 0]),
    ("int32", ">i", 2, [-123456789, 2147483647]),
    ("uint32", ">I", 2, [3000000000, 1]),
    ("int64", ">q", 4, [-1234567890123, 9007199254740991]),
    ("uint64", ">Q", 4, [12345678901234, 4503599627370496]),
    ("float32", ">f", 2, [3.25, -0.0078125]),
    ("float64", ">d", 4, [-1234.5678901, 6.02214076e23]),
]
ORDERS = ["ABCD", "CDAB", "BADC", "DCBA"]


def layout(base):
    addr = base
    for name, code, nregs, samples in TYPES:
        for order in ORDERS:
            yield "t.%s.%s" % (name, order), name, order, addr, code, nregs, \
                samples
            addr += nregs


def registers(code, value, order):
    """The registers a PLC holds for value, by the byte order letters."""
    data = struct.pack(code, value)          # A first: big-endian bytes
    words = [data[i:i + 2] for i in range(0, len(data), 2)]
    if order in ("CDAB", "DCBA"):
        words.reverse()
    if order in ("BADC", "DCBA"):
        words = [w[::-1] for w in words]
    return [int.from_bytes(w, "big") for w in words]


def print_tags(base):
    for name, typ, order, addr, _, _, _ in layout(base):
        print("%s,plc,holding,%d,%s,%s,yes" % (name, addr, typ, order))
    print("t.text.ABCD,plc,holding,%d,string,ABCD,yes,,10" % (base + 200))
    print("t.text.BADC,plc,holding,%d,string,BADC,yes,,10" % (base + 210))
    print("t.bit3,plc,holding,%d,bool,ABCD,yes,3," % (base + 220))
    print("t.bit15,plc,holding,%d,bool,ABCD,yes,15," % (base + 220))
    print("t.coil,plc,coil,%d,bool,ABCD,yes,," % (base + 10))
    print("t.word,plc,holding,%d,uint16,ABCD,no,," % (base + 220))
    print("t.text.odd,plc,holding,%d,string,ABCD,yes,,5" % (base + 230))
    print("t.clamped,plc,holding,%d,float32,ABCD,no,,,0,100,0,100,yes"
          % (base + 240))


class Station:
    def __init__(self, endpoint):
        self.sock = zmq.Context.instance().socket(zmq.REQ)
        self.sock.connect(endpoint)

    def call(self, req):
        req["v"] = 2
        req["rid"] = uuid.uuid4().hex
        self.sock.send_json(req)
        if not self.sock.poll(5000):
            sys.exit("FAIL: no reply to %r" % req)
        return self.sock.recv_json()

    def write(self, tag, value):
        r = self.call({"op": "write", "tag": tag, "value": value})
        if not r["ok"]:
            sys.exit("FAIL: write %s %r: %s" % (tag, value, r["message"]))

    def read(self, tag):
        r = self.call({"op": "read", "tags": [tag]})
        return r["tags"][0]


def same(a, b, code):
    if code.endswith("f"):
        return struct.pack(">f", a) == struct.pack(">f", b)
    return a == b


def wait_for(st, tag, ok, what):
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        v = st.read(tag)
        if ok(v):
            return v
        time.sleep(0.05)
    sys.exit("FAIL: %s: %s is %r" % (what, tag, v))


def check(endpoint, port, base):
    st = Station(endpoint)
    plc = ModbusTcpClient("127.0.0.1", port=port)
    if not plc.connect():
        sys.exit("FAIL: cannot reach the PLC on port %d" % port)
    n = 0
    for name, typ, order, addr, code, nregs, samples in layout(base):
        # scadad -> PLC: the written value lands as the order says.
        st.write(name, samples[0])
        got = plc.read_holding_registers(addr, nregs).registers
        want = registers(code, samples[0], order)
        if got != want:
            sys.exit("FAIL: %s wrote %s, want %s" % (name, got, want))
        back = st.read(name)
        if back["quality"] != "good" or not same(back["value"], samples[0],
                                                  code):
            sys.exit("FAIL: %s read back %r" % (name, back))
        # PLC -> scadad: registers set in the PLC decode to the value.
        plc.write_registers(addr, registers(code, samples[1], order))
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            v = st.read(name)
            if v["quality"] == "good" and same(v["value"], samples[1], code):
                break
            time.sleep(0.05)
        else:
            sys.exit("FAIL: %s decoded %r, want %r" % (name, v, samples[1]))
        n += 1
    print("ok - %d type and byte order pairs, both ways" % n)

    # A value the type cannot hold is refused in the operator's own
    # digits, not rounded to six of them.
    for tag, value, text in [("t.uint32.ABCD", 4294967296, "4294967296"),
                             ("t.int16.ABCD", -32769, "-32769"),
                             ("t.uint16.ABCD", 65536.5, "65536.5")]:
        r = st.call({"op": "write", "tag": tag, "value": value})
        if r["ok"] or r["error"] != "out_of_range" or \
                "%s does not fit" % text not in r["message"]:
            sys.exit("FAIL: %s := %s: %r" % (tag, text, r))
    print("ok - values beyond the type refused with the digits written")

    st.write("t.text.ABCD", "PUMP 7")
    raw = plc.read_holding_registers(base + 200, 5).registers
    if raw[:3] != [0x5055, 0x4d50, 0x2037] or raw[3:] != [0, 0]:
        sys.exit("FAIL: string ABCD registers %s" % raw)
    st.write("t.text.BADC", "PUMP 7")
    raw = plc.read_holding_registers(base + 210, 3).registers
    if raw != [0x5550, 0x504d, 0x3720]:
        sys.exit("FAIL: string BADC registers %s" % raw)
    if st.read("t.text.BADC")["value"] != "PUMP 7":
        sys.exit("FAIL: string BADC read back")
    r = st.call({"op": "write", "tag": "t.text.ABCD", "value": "x" * 11})
    if r["ok"] or r["error"] != "out_of_range":
        sys.exit("FAIL: an 11-character string was not refused: %r" % r)
    print("ok - strings, both byte orders, length checked")

    plc.write_registers(base + 220, [0])
    st.write("t.bit3", True)
    st.write("t.bit15", True)
    raw = plc.read_holding_registers(base + 220, 1).registers[0]
    if raw != 0x8008:
        sys.exit("FAIL: bits 3 and 15 gave 0x%04x" % raw)
    st.write("t.bit3", False)
    raw = plc.read_holding_registers(base + 220, 1).registers[0]
    if raw != 0x8000:
        sys.exit("FAIL: clearing bit 3 gave 0x%04x" % raw)
    st.write("t.coil", True)
    if not plc.read_coils(base + 10, 1).bits[0]:
        sys.exit("FAIL: coil not set")
    print("ok - bits of a register (read-modify-write) and a coil")
    wait_for(st, "t.word", lambda v: v["value"] == 0x8000,
             "a word aliasing bits 3 and 15")

    # Five characters in three registers: the sixth byte is not text.
    plc.write_registers(base + 230, [0x4142, 0x4344, 0x4546])
    wait_for(st, "t.text.odd", lambda v: v["value"] == "ABCDE",
             "a five-character string")
    r = st.call({"op": "write", "tag": "t.text.odd", "value": "ABCDEF"})
    if r["ok"] or r["error"] != "out_of_range" or \
            "t.text.odd" not in r["message"]:
        sys.exit("FAIL: six characters into five: %r" % r)
    print("ok - odd-length strings, refusals name the tag")

    # Clamped to its range, but a NaN from the PLC is a fault.
    plc.write_registers(base + 240, registers(">f", 150.0, "ABCD"))
    wait_for(st, "t.clamped", lambda v: v["quality"] == "good" and
             v["value"] == 100, "150 clamped to 100")
    plc.write_registers(base + 240, [0x7fc0, 0])
    wait_for(st, "t.clamped", lambda v: v["quality"] == "bad" and
             "not a finite number" in v.get("reason", ""), "NaN is bad")
    print("ok - clamping, and NaN not clamped into a good value")
    plc.close()


if __name__ == "__main__":
    if sys.argv[1] == "tags":
        print_tags(int(sys.argv[2]))
    else:
        check(sys.argv[2], int(sys.argv[3]),
              int(sys.argv[4]) if len(sys.argv) > 4 else 0)
