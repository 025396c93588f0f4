#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# What an administrator does, on the kernel the VM runs (Debian's: the
# debug kernel has no headers): `make install` from the repository, then
# the modules load by name and on demand (`ip link add ... type teredo`,
# an nft ct helper of type "teredo"), teredoctl and its man pages are
# found, the gai.conf snippet puts IPv4 before Teredo; `make uninstall`
# leaves no file it installed.
# e2e-needs: headers
# e2e-timeout: 900
source "$(dirname "$0")/install-lib.sh"

inst_snapshot >"$E2E_TMP/before"
inst_make install
inst_snapshot >"$E2E_TMP/installed"
comm -13 "$E2E_TMP/before" "$E2E_TMP/installed" | grep '^/' >"$E2E_TMP/new"
log "make install added $(wc -l <"$E2E_TMP/new") files:"
sed 's/^/#   /' "$E2E_TMP/new"
m=/lib/modules/$INST_KVER/updates/kteredo
# modules_install compresses as the kernel's config says (Debian's 6.12:
# .ko.xz, like its own modules)
for f in teredo nf_conntrack_teredo; do
	for z in "" .xz .zst .gz; do
		grep -qxF "$m/$f.ko$z" "$E2E_TMP/new" && break
	done ||
		fail "make install did not install $m/$f.ko"
done
for f in "$m/Module.symvers" \
	 /usr/local/include/kteredo/linux/teredo.h \
	 /usr/local/include/kteredo/linux/nf_conntrack_teredo.h \
	 /usr/local/include/kteredo/uapi/linux/teredo.h \
	 /usr/local/sbin/teredoctl \
	 /usr/local/share/man/man8/teredoctl.8 \
	 /usr/local/share/man/man4/teredo.4 \
	 /usr/local/share/bash-completion/completions/teredoctl \
	 /usr/local/share/kteredo/teredo.nft \
	 /usr/local/share/kteredo/teredo-filter.nft \
	 /usr/local/share/kteredo/gai.conf \
	 /usr/local/lib/udev/rules.d/90-teredo.rules \
	 /usr/local/lib/systemd/system/teredo-nft-sync.service; do
	grep -qxF "$f" "$E2E_TMP/new" || fail "make install did not install $f"
done
grep -q "sample" "$E2E_TMP/new" && fail "a sample module was installed"
inst_loads updates/kteredo
# (Debian's /usr/local/man is a link to share/man)
[ "$(readlink -f "$(man -w teredoctl)")" = \
  /usr/local/share/man/man8/teredoctl.8 ] ||
	fail "man -w teredoctl: $(man -w teredoctl 2>&1)"
[ "$(readlink -f "$(man -w 4 teredo)")" = /usr/local/share/man/man4/teredo.4 ] ||
	fail "man -w 4 teredo: $(man -w 4 teredo 2>&1)"
[ "$(command -v teredoctl)" = /usr/local/sbin/teredoctl ] ||
	fail "teredoctl not on PATH: $(command -v teredoctl)"
teredoctl --version | grep -qF "$INST_VERSION" ||
	fail "teredoctl --version: $(teredoctl --version)"
grep -q '^ExecStart=/usr/local/sbin/teredoctl' \
	/usr/local/lib/systemd/system/teredo-nft-sync.service ||
	fail "the unit does not run the installed teredoctl"

# The address selection snippet: a dual-stack name is reached over IPv4
# first once it is in /etc/gai.conf, over Teredo first without it
# (glibc's RFC 3484 table ranks 2001::/32 with native IPv6).
cp -a /etc/hosts /etc/gai.conf "$E2E_TMP/" || fail "save /etc"
restore_etc() { cp "$E2E_TMP/hosts" "$E2E_TMP/gai.conf" /etc/; }
e2e_ns_add gai
ip -n gai link add d0 type dummy && ip -n gai link set d0 up &&
	ip -n gai addr add 192.0.2.10/24 dev d0 &&
	ip -n gai addr add 2001:0:c633:6401::10/64 dev d0 nodad ||
	{ restore_etc; fail "the gai namespace"; }
printf '192.0.2.80 dual.test\n2001:0:c633:6401::80 dual.test\n' >>/etc/hosts
first() {
	ip netns exec gai getent ahosts dual.test | awk 'NR == 1 { print $1 }'
}
without=$(first)
cat /usr/local/share/kteredo/gai.conf >>/etc/gai.conf
with=$(first)
restore_etc
log "dual.test first: $without without the snippet, $with with it"
[ "$without" = 2001:0:c633:6401::80 ] ||
	fail "without the snippet, dual.test first resolves to $without"
[ "$with" = 192.0.2.80 ] ||
	fail "with the snippet, dual.test first resolves to $with"

inst_make uninstall
inst_snapshot >"$E2E_TMP/after"
if ! diff -u "$E2E_TMP/before" "$E2E_TMP/after" >"$E2E_TMP/diff"; then
	cat "$E2E_TMP/diff"
	fail "make uninstall left the system changed"
fi
inst_none || fail "a teredo module still found after make uninstall"
log "make uninstall: every file gone, modprobe finds no teredo"
exit 0
