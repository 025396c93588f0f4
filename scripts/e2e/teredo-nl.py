#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
#
# Send one RTM_NEWLINK for kind "teredo" with raw IFLA_TEREDO_* attributes
# (iproute2 does not know them) and print the kernel's answer:
#   teredo-nl.py add|change NAME [server=A.B.C.D] [port=N] [fwmark=N]
#                [refresh=N] [restart=N] [default_route=0|1] [max_peers=N]
#                [peer_queue=N] [local_discovery=0|1] [port32=N]
#                [attr99=N]
# prints "ok" or "error ERRNO EXTACK-MESSAGE"; exit status 0 either way,
# 2 on a usage or transport problem.
#   teredo-nl.py get NAME
# prints the device's IFLA_TEREDO_* attributes, "name=value" each.
import socket
import struct
import sys

NETLINK_ROUTE = 0
RTM_NEWLINK = 16
NLM_F_REQUEST, NLM_F_ACK, NLM_F_EXCL, NLM_F_CREATE = 1, 4, 0x200, 0x400
NLMSG_ERROR = 2
IFLA_IFNAME, IFLA_LINKINFO = 3, 18
IFLA_INFO_KIND, IFLA_INFO_DATA = 1, 2
IFLA_TEREDO_SERVER, IFLA_TEREDO_PORT, IFLA_TEREDO_FWMARK = 1, 2, 3
RTM_GETLINK = 18
# the u32 attributes after FWMARK, and DEFAULT_ROUTE (u8)
U32_ATTRS = {"fwmark": 3, "refresh": 4, "restart": 5, "max_peers": 7,
             "peer_queue": 8}
IFLA_TEREDO_DEFAULT_ROUTE = 6
IFLA_TEREDO_LOCAL_DISCOVERY = 9
NETLINK_EXT_ACK = 11
NLMSGERR_ATTR_MSG = 1


def attr(t, payload):
    n = 4 + len(payload)
    return struct.pack("HH", n, t) + payload + b"\0" * ((4 - n % 4) % 4)


def attrs(buf):
    off = 0
    while off + 4 <= len(buf):
        n, t = struct.unpack("HH", buf[off:off + 4])
        if n < 4:
            break
        yield t & 0x3fff, buf[off + 4:off + n]
        off += (n + 3) & ~3


def get(name):
    body = struct.pack("BxHiII", socket.AF_UNSPEC, 0, 0, 0, 0)
    body += attr(IFLA_IFNAME, name.encode() + b"\0")
    msg = struct.pack("IHHII", 16 + len(body), RTM_GETLINK, NLM_F_REQUEST,
                      1, 0) + body
    s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_ROUTE)
    s.bind((0, 0))
    s.send(msg)
    reply = s.recv(65536)
    _, typ, _, _, _ = struct.unpack("IHHII", reply[:16])
    if typ == NLMSG_ERROR:
        print("error %d" % -struct.unpack("i", reply[16:20])[0])
        return 0
    names = {v: k for k, v in U32_ATTRS.items()}
    for t, v in attrs(reply[32:]):
        if t != IFLA_LINKINFO:
            continue
        for t2, v2 in attrs(v):
            if t2 != IFLA_INFO_DATA:
                continue
            for t3, v3 in attrs(v2):
                if t3 == IFLA_TEREDO_SERVER:
                    print("server=" + socket.inet_ntoa(v3))
                elif t3 == IFLA_TEREDO_PORT:
                    print("port=%d" % struct.unpack("H", v3)[0])
                elif t3 == IFLA_TEREDO_DEFAULT_ROUTE:
                    print("default_route=%d" % v3[0])
                elif t3 == IFLA_TEREDO_LOCAL_DISCOVERY:
                    print("local_discovery=%d" % v3[0])
                elif t3 in names:
                    print("%s=%d" % (names[t3], struct.unpack("I", v3)[0]))
    return 0


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "get":
        return get(sys.argv[2])
    if len(sys.argv) < 3 or sys.argv[1] not in ("add", "change"):
        print(__doc__ or "usage", file=sys.stderr)
        return 2
    op, name = sys.argv[1], sys.argv[2]
    data = b""
    for a in sys.argv[3:]:
        k, v = a.split("=", 1)
        if k == "server":
            data += attr(IFLA_TEREDO_SERVER, socket.inet_aton(v))
        elif k == "port":
            data += attr(IFLA_TEREDO_PORT, struct.pack("H", int(v)))
        elif k == "port32":  # wrong size on purpose
            data += attr(IFLA_TEREDO_PORT, struct.pack("I", int(v)))
        elif k in U32_ATTRS:
            data += attr(U32_ATTRS[k], struct.pack("I", int(v, 0)))
        elif k == "default_route":
            data += attr(IFLA_TEREDO_DEFAULT_ROUTE, struct.pack("B", int(v)))
        elif k == "local_discovery":
            data += attr(IFLA_TEREDO_LOCAL_DISCOVERY,
                         struct.pack("B", int(v)))
        elif k.startswith("attr"):
            data += attr(int(k[4:]), struct.pack("I", int(v)))
        else:
            print("unknown argument " + a, file=sys.stderr)
            return 2
    info = attr(IFLA_INFO_KIND, b"teredo\0") + attr(IFLA_INFO_DATA, data)
    body = struct.pack("BxHiII", socket.AF_UNSPEC, 0, 0, 0, 0)
    body += attr(IFLA_IFNAME, name.encode() + b"\0")
    body += attr(IFLA_LINKINFO, info)
    flags = NLM_F_REQUEST | NLM_F_ACK
    if op == "add":
        flags |= NLM_F_CREATE | NLM_F_EXCL
    msg = struct.pack("IHHII", 16 + len(body), RTM_NEWLINK, flags, 1, 0) + body

    s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_ROUTE)
    s.setsockopt(270, NETLINK_EXT_ACK, 1)  # SOL_NETLINK
    s.bind((0, 0))
    s.send(msg)
    reply = s.recv(65536)
    _, typ, rflags, _, _ = struct.unpack("IHHII", reply[:16])
    if typ != NLMSG_ERROR:
        print("unexpected reply type %d" % typ, file=sys.stderr)
        return 2
    err = -struct.unpack("i", reply[16:20])[0]
    if err == 0:
        print("ok")
        return 0
    # extack TLVs follow the echoed request header (capped: flag 0x100)
    off = 20 + (16 if rflags & 0x100 else struct.unpack("I", reply[20:24])[0])
    text = ""
    while off + 4 <= len(reply):
        n, t = struct.unpack("HH", reply[off:off + 4])
        if n < 4:
            break
        if t == NLMSGERR_ATTR_MSG:
            text = reply[off + 4:off + n].split(b"\0")[0].decode()
        off += (n + 3) & ~3
    print("error %d %s" % (err, text))
    return 0


sys.exit(main())
