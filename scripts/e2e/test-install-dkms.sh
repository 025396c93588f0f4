#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# DKMS, as an administrator uses it, on the kernel the VM runs: `make
# dkms-install` puts the sources in /usr/src, DKMS builds both modules
# against the installed headers and installs them; they load by name and
# on demand; `make dkms-uninstall` leaves no teredo file behind.
# e2e-needs: headers
# e2e-timeout: 1500
source "$(dirname "$0")/install-lib.sh"

inst_snapshot >"$E2E_TMP/before"
inst_make dkms-install
st=$(dkms status kteredo 2>&1)
log "dkms status: $st"
echo "$st" | grep -qF "kteredo/$INST_VERSION, $INST_KVER, $(uname -m): installed" ||
	fail "dkms status: $st"
inst_loads updates/dkms
inst_make dkms-uninstall
st=$(dkms status kteredo 2>&1)
[ -z "$st" ] || fail "dkms still has: $st"
inst_none || fail "a teredo module still found after dkms-uninstall"
# DKMS may keep its own signing key; nothing of ours may stay
inst_snapshot >"$E2E_TMP/after"
comm -13 "$E2E_TMP/before" "$E2E_TMP/after" >"$E2E_TMP/new"
if grep -i teredo "$E2E_TMP/new"; then
	fail "dkms-uninstall left the files above"
fi
log "dkms-uninstall: nothing of kteredo left ($(wc -l <"$E2E_TMP/new") other new files: $(tr '\n' ' ' <"$E2E_TMP/new" | cut -c1-200))"
exit 0
