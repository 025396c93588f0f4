# SPDX-License-Identifier: GPL-2.0
#
# For the install tests (test-install*.sh), on a kernel with its headers:
# the modules vm.sh put into extra/ taken away, so that only an installed
# module can be found, and what "installed and working" means.
source "$(dirname "$0")/lib.sh"
# vm.sh's modules and module database, put back as they were when the
# test ends (the tests after it in the same boot modprobe them)
INST_KVER=$(uname -r)
INST_SAVED=$E2E_TMP/saved-modules
inst_restore_extra() {
	[ -d "$INST_SAVED" ] || return 0
	rm -rf "/lib/modules/$INST_KVER/extra/kteredo"
	cp -a "$INST_SAVED/kteredo" "/lib/modules/$INST_KVER/extra/" &&
		cp -a "$INST_SAVED"/modules.* "/lib/modules/$INST_KVER/"
}
# INST_UNDO: the make target that takes back what a failed test installed,
# so the next test starts from nothing
INST_UNDO=
trap 'nft delete table inet kt_inst 2>/dev/null; ip link del t0 2>/dev/null
	rmmod nf_conntrack_teredo teredo 2>/dev/null
	[ -n "$INST_UNDO" ] && make -C "$INST_TOP" "$INST_UNDO" >/dev/null 2>&1
	inst_restore_extra
	e2e_cleanup' EXIT

INST_TOP=$KTEREDO_TOP
[ -e "/lib/modules/$INST_KVER/build/Makefile" ] ||
	fail "no headers for the running kernel $INST_KVER"
INST_VERSION=$("$INST_TOP/scripts/version.sh")
cd "$INST_TOP" || fail "cd $INST_TOP"

# inst_snapshot: every file under the places an install may touch, and the
# module database's mentions of teredo
inst_snapshot() {
	{
		find "/lib/modules/$INST_KVER" /usr/local /var/lib/dkms /etc \
			-xdev \( -type f -o -type l \) 2>/dev/null
		find /usr/src -maxdepth 2 2>/dev/null
		grep -h teredo "/lib/modules/$INST_KVER"/modules.{dep,alias} \
			2>/dev/null
	} | sort
}

# inst_none: no teredo module anywhere modprobe looks
inst_none() {
	! modprobe -n teredo 2>/dev/null &&
		! modprobe -n nf_conntrack_teredo 2>/dev/null
}

mkdir -p "$INST_SAVED" &&
	cp -a "/lib/modules/$INST_KVER/extra/kteredo" \
		"/lib/modules/$INST_KVER"/modules.* "$INST_SAVED/" ||
	fail "save extra/kteredo"
rm -rf "/lib/modules/$INST_KVER/extra/kteredo"
depmod -a "$INST_KVER" || fail "depmod"
inst_none || fail "a teredo module found before any install"

# inst_loads WHERE: both modules found under /lib/modules/KVER/WHERE, of
# this tree's version; they load by name and on demand
inst_loads() {
	local m p v
	for m in teredo nf_conntrack_teredo; do
		p=$(modinfo -n "$m") || fail "$1: modinfo $m"
		case $p in
		"/lib/modules/$INST_KVER/$1/"*) ;;
		*) fail "$1: $m is $p" ;;
		esac
		v=$(modinfo -F version "$m")
		[ "$v" = "$INST_VERSION" ] ||
			fail "$1: $m version $v, not $INST_VERSION"
	done
	# rtnl_link_ops alias "rtnl-link-teredo"
	ip link add t0 type teredo || fail "$1: ip link add t0 type teredo"
	grep -q '^teredo ' /proc/modules || fail "$1: teredo not autoloaded"
	ip link del t0
	# nft_ct's helper object asks for "nfct-helper-teredo"
	nft -f - <<-EOT || fail "$1: nft ct helper of type teredo"
	table inet kt_inst {
		ct helper kt {
			type "teredo" protocol udp
			l3proto inet
		}
	}
	EOT
	grep -q '^nf_conntrack_teredo ' /proc/modules ||
		fail "$1: nf_conntrack_teredo not autoloaded"
	nft delete table inet kt_inst
	rmmod nf_conntrack_teredo teredo || fail "$1: rmmod"
	log "$1: both modules load by name and on demand, version $INST_VERSION"
}

# inst_make TARGET: make TARGET, its output shown if it fails
inst_make() {
	case $1 in
	install) INST_UNDO=uninstall ;;
	dkms-install) INST_UNDO=dkms-uninstall ;;
	*) INST_UNDO= ;;
	esac
	SECONDS=0
	make "$1" >"$E2E_TMP/$1.log" 2>&1 ||
		{ cat "$E2E_TMP/$1.log"; fail "make $1"; }
	log "make $1: ${SECONDS}s"
}
