#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
#
# Craft one Teredo packet as if the Teredo socket sent it, for the nft
# helper tests (run inside a test netns in the VM only):
#
#   nft-pkt.py rs SRC SPORT SERVER              router solicitation
#   nft-pkt.py bubble SRC SPORT SERVER PEER PPORT [PSERVER]   our indirect
#                            bubble to SERVER naming the peer PEER:PPORT
#                            (whose Teredo address has server PSERVER,
#                            default SERVER)
#   nft-pkt.py origin SRC DST DPORT PEER PPORT  the server's indirect
#                            bubble from SRC:3544, origin PEER:PPORT
#   nft-pkt.py udp SRC SPORT DST DPORT [TEXT|hex:HEX]   plain UDP
#
# A raw IPv4 socket (IP_HDRINCL) can use the Teredo socket's source port,
# and its packets go through LOCAL_OUT and conntrack like the socket's.
import socket
import struct
import sys


def inv(b):
    return bytes(x ^ 0xff for x in b)


def ipv6(src, dst, nh, payload):
    return struct.pack('!IHBB', 6 << 28, len(payload), nh, 255) + \
        socket.inet_pton(socket.AF_INET6, src) + \
        socket.inet_pton(socket.AF_INET6, dst) + payload


def teredo_addr(server, flags, ip, port):
    return socket.inet_ntop(socket.AF_INET6,
                            bytes.fromhex('20010000') +
                            socket.inet_aton(server) +
                            struct.pack('!H', flags) +
                            inv(struct.pack('!H', port)) +
                            inv(socket.inet_aton(ip)))


def send(src, sport, dst, dport, payload):
    udp = struct.pack('!HHHH', sport, dport, 8 + len(payload), 0) + payload
    ip = struct.pack('!BBHHHBBH4s4s', 0x45, 0, 20 + len(udp), 0, 0, 64,
                     socket.IPPROTO_UDP, 0, socket.inet_aton(src),
                     socket.inet_aton(dst))
    s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
    s.sendto(ip + udp, (dst, 0))


def main(a):
    if a[0] == 'rs':
        auth = bytes([0, 1, 0, 0]) + b'NONCE123' + bytes([0])
        rs = struct.pack('!BBHI', 133, 0, 0, 0)
        send(a[1], int(a[2]), a[3], 3544,
             auth + ipv6('fe80::ffff:ffff:ffff', 'ff02::2', 58, rs))
    elif a[0] == 'bubble':
        me = teredo_addr(a[3], 0, a[1], int(a[2]))
        peer = teredo_addr(a[6] if len(a) > 6 else a[3], 0, a[4], int(a[5]))
        send(a[1], int(a[2]), a[3], 3544, ipv6(me, peer, 59, b''))
    elif a[0] == 'origin':
        origin = bytes([0, 0]) + inv(struct.pack('!H', int(a[5]))) + \
            inv(socket.inet_aton(a[4]))
        peer = teredo_addr(a[1], 0, a[4], int(a[5]))
        me = teredo_addr(a[1], 0, a[2], int(a[3]))
        send(a[1], 3544, a[2], int(a[3]), origin + ipv6(peer, me, 59, b''))
    elif a[0] == 'udp':
        text = a[5] if len(a) > 5 else 'hello'
        text = bytes.fromhex(text[4:]) if text.startswith('hex:') else \
            text.encode()
        send(a[1], int(a[2]), a[3], int(a[4]), text)
    else:
        sys.exit('nft-pkt.py: unknown kind ' + a[0])


main(sys.argv[1:])
