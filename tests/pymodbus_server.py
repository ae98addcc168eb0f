#!/usr/bin/python3
"""A Modbus TCP server the project did not write (pymodbus), for
interoperability tests: 1000 of each register and bit, all zero.

usage: pymodbus_server.py PORTFILE
Picks a free port on 127.0.0.1 and writes it to PORTFILE when serving.
"""
import asyncio
import os
import socket
import sys

from pymodbus.datastore import (ModbusSequentialDataBlock,
                                ModbusServerContext, ModbusSlaveContext)
from pymodbus.server import StartAsyncTcpServer


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def main(portfile):
    # pymodbus 3.0 numbers data blocks from 1: an address of 0 on the
    # wire is index 1 here.
    store = ModbusSlaveContext(
        co=ModbusSequentialDataBlock(0, [0] * 1001),
        di=ModbusSequentialDataBlock(0, [0] * 1001),
        hr=ModbusSequentialDataBlock(0, [0] * 1001),
        ir=ModbusSequentialDataBlock(0, [0] * 1001))
    context = ModbusServerContext(slaves=store, single=True)
    port = free_port()
    loop = asyncio.get_running_loop()

    def announce():
        with open(portfile + ".tmp", "w") as f:
            f.write("%d\n" % port)
        os.rename(portfile + ".tmp", portfile)

    loop.call_later(0.5, announce)
    await StartAsyncTcpServer(context, address=("127.0.0.1", port))


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1]))
