#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
#
# Packets and listeners for the security tests (test-sec-*.sh), run in a
# test netns inside the VM only:
#
#   sec-pkt.py listen FILE SECONDS PORT [ADDR]   count UDP datagrams: one
#                  line "SRC SPORT LEN HEX" each in FILE, which appears
#                  once the socket is bound; ends after SECONDS, then
#                  makes FILE.end
#   sec-pkt.py send6 ADDR PORT TEXT [COUNT [GAP]]   UDP over IPv6, TEXT
#                  with {n} replaced by the send's number (1, 2, ...)
#   sec-pkt.py origin SERVER DST DPORT OIP OPORT DST6 [COUNT [GAP]]
#                  spoofed indirect bubbles from SERVER:3544 to DST:DPORT
#                  (raw socket): origin indication OIP:OPORT, IPv6 source
#                  the Teredo address of OIP:OPORT, destination DST6
#   sec-pkt.py unreach DST QSRC QSPORT QDST QDPORT [CODE]
#                  an ICMP destination unreachable (code 3, port, unless
#                  CODE) to DST, from this host, quoting a UDP datagram
#                  QSRC:QSPORT -> QDST:QDPORT
import socket
import struct
import sys
import time


def inv(b):
    return bytes(x ^ 0xff for x in b)


def teredo_addr(server, flags, ip, port):
    return socket.inet_ntop(socket.AF_INET6,
                            bytes.fromhex('20010000') +
                            socket.inet_aton(server) +
                            struct.pack('!H', flags) +
                            inv(struct.pack('!H', port)) +
                            inv(socket.inet_aton(ip)))


def listen(path, secs, port, addr='0.0.0.0'):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((addr, port))
    end = time.monotonic() + secs
    with open(path, 'a', buffering=1) as f:
        while True:
            left = end - time.monotonic()
            if left <= 0:
                break
            s.settimeout(left)
            try:
                data, src = s.recvfrom(65535)
            except socket.timeout:
                break
            f.write('%s %d %d %s\n' % (src[0], src[1], len(data),
                                       data.hex()))
    open(path + '.end', 'w').close()


def send6(addr, port, text, count=1, gap=1.0):
    s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    for n in range(1, count + 1):
        try:
            s.sendto(text.replace('{n}', str(n)).encode(), (addr, port))
        except OSError as e:
            print('send6 %d: %s' % (n, e), file=sys.stderr)
        if n < count:
            time.sleep(gap)


def origin(server, dst, dport, oip, oport, dst6, count=1, gap=0.1):
    oi = bytes([0, 0]) + inv(struct.pack('!H', oport)) + \
        inv(socket.inet_aton(oip))
    src6 = teredo_addr(server, 0, oip, oport)
    ip6 = struct.pack('!IHBB', 6 << 28, 0, 59, 255) + \
        socket.inet_pton(socket.AF_INET6, src6) + \
        socket.inet_pton(socket.AF_INET6, dst6)
    udp = struct.pack('!HHHH', 3544, dport, 8 + len(oi + ip6), 0) + oi + ip6
    ip = struct.pack('!BBHHHBBH4s4s', 0x45, 0, 20 + len(udp), 0, 0, 64,
                     socket.IPPROTO_UDP, 0, socket.inet_aton(server),
                     socket.inet_aton(dst)) + udp
    s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
    for n in range(count):
        s.sendto(ip, (dst, 0))
        if n + 1 < count:
            time.sleep(gap)


def csum(b):
    if len(b) % 2:
        b += b'\0'
    s = sum(struct.unpack('!%dH' % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


def unreach(dst, qsrc, qsport, qdst, qdport, code=3):
    udp = struct.pack('!HHHH', qsport, qdport, 8 + 40, 0)
    qip = struct.pack('!BBHHHBBH4s4s', 0x45, 0, 20 + 8 + 40, 0, 0x4000, 63,
                      socket.IPPROTO_UDP, 0, socket.inet_aton(qsrc),
                      socket.inet_aton(qdst))
    qip = qip[:10] + struct.pack('!H', csum(qip)) + qip[12:]
    body = struct.pack('!BBHI', 3, code, 0, 0) + qip + udp
    body = body[:2] + struct.pack('!H', csum(body)) + body[4:]
    s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
    s.sendto(body, (dst, 0))


def main(a):
    if a[0] == 'listen':
        listen(a[1], float(a[2]), int(a[3]), *a[4:5])
    elif a[0] == 'send6':
        send6(a[1], int(a[2]), a[3],
              *[f(x) for f, x in zip((int, float), a[4:])])
    elif a[0] == 'origin':
        origin(a[1], a[2], int(a[3]), a[4], int(a[5]), a[6],
               *[f(x) for f, x in zip((int, float), a[7:])])
    elif a[0] == 'unreach':
        unreach(a[1], a[2], int(a[3]), a[4], int(a[5]), *map(int, a[6:7]))
    else:
        sys.exit('sec-pkt.py: unknown kind ' + a[0])


main(sys.argv[1:])
