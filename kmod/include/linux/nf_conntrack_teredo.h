/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * nf_conntrack_teredo: exceptions other modules open in a firewall that
 * drops unsolicited UDP to the Teredo port.
 *
 * An exception lets one peer (IPv4 address and UDP port) start flows to
 * the Teredo client's current port in one network namespace, as
 * conntrack state "related" (so `ct state established,related accept`
 * admits them), until it times out, is closed, the Teredo port changes,
 * the namespace goes away or nf_conntrack_teredo is unloaded. Calling
 * these functions makes the caller depend on nf_conntrack_teredo.ko,
 * which depends on teredo.ko.
 */
#ifndef _LINUX_NF_CONNTRACK_TEREDO_H
#define _LINUX_NF_CONNTRACK_TEREDO_H

#include <linux/types.h>

struct net;
struct nf_teredo_exception;

/* Longest exception, in seconds */
#define NF_TEREDO_EXCEPTION_MAX_TIMEOUT	86400
/* Most exceptions open at once in one namespace */
#define NF_TEREDO_EXCEPTION_MAX		255

/**
 * nf_teredo_exception_open() - let a peer reach the Teredo port
 * @net: network namespace of the Teredo client
 * @peer: the peer's IPv4 address (unicast)
 * @port: the peer's UDP port (not 0)
 * @timeout: seconds, 1 to %NF_TEREDO_EXCEPTION_MAX_TIMEOUT
 *
 * Opens a conntrack expectation from @peer:@port to the client's current
 * Teredo port, on the local address the client would use toward @peer.
 * It stays open (several flows may use it) until @timeout, and goes away
 * early if the port changes, @net exits or the module is unloaded; the
 * handle stays valid until nf_teredo_exception_close() in all cases.
 * Process context only (may sleep).
 *
 * Return: a handle, or an ERR_PTR(): -EINVAL (bad argument), the errors
 * of teredo_get_port() (-ENODEV, -ENETDOWN, -EAFNOSUPPORT), -EHOSTUNREACH
 * (no route to @peer), -ENOSPC (%NF_TEREDO_EXCEPTION_MAX open), -ENOMEM,
 * or what nf_ct_expect_related() returned (-EBUSY: that peer already has
 * one).
 */
struct nf_teredo_exception *nf_teredo_exception_open(struct net *net,
						     __be32 peer, __be16 port,
						     unsigned int timeout);

/**
 * nf_teredo_exception_close() - close an exception and free its handle
 * @exc: a handle from nf_teredo_exception_open(), or NULL / an ERR_PTR()
 *	(ignored)
 *
 * Flows the exception already let in stay (conntrack tracks them); no new
 * one starts. Process context only.
 */
void nf_teredo_exception_close(struct nf_teredo_exception *exc);

/**
 * nf_teredo_exception_active() - is an exception still open?
 * @exc: a handle from nf_teredo_exception_open()
 *
 * Return: false once it was cleaned up (port change, namespace exit) or
 * timed out.
 */
bool nf_teredo_exception_active(struct nf_teredo_exception *exc);

#endif /* _LINUX_NF_CONNTRACK_TEREDO_H */
