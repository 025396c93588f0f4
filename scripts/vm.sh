#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Boot a kernel in QEMU (TCG) and run one command as root inside.
#
#   scripts/vm.sh [-d] [-t SECONDS] [-m MEGABYTES] COMMAND [ARG...]
#
# Without -d the kernel is Debian's (scripts/kver.sh, or KVER=, with our
# modules from kmod/ or VM_MODULES=), what users run; with -d it is the debug kernel of scripts/kernel.sh (KASAN, UBSAN,
# kmemleak, lockdep, KUnit), which that script builds or updates first.
#
# No disk image: the host's / is exported read-only over 9p and mounted
# under a tmpfs overlay, so the repository is at the same path inside and
# writes vanish at power-off. The project's modules built for that kernel
# (kmod/**/*.ko for Debian's; the debug build's kmod/ and kunit/ modules
# for -d) are installed into the guest's /lib/modules/$KVER/extra and
# depmod'ed, so "modprobe teredo" works.
# A second, writable 9p share carries the command, its exit status and the
# guest's kernel log back to the host.
#
# The exit status is the command's; the run fails (status 125) if the
# guest kernel logged an oops, BUG, WARNING, KASAN, UBSAN or lockdep report,
# and 124 on timeout.
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
self=$top/scripts/vm.sh

# What a kernel report looks like in dmesg; exported to the guest so tests
# can tell which of them caused one.
KTEREDO_REPORTS='(Oops|BUG:|WARNING:|KASAN|UBSAN|general protection|Kernel panic|possible circular locking|possible recursive locking|inconsistent lock state|suspicious RCU usage|unreferenced object|refcount_t:|list_(add|del) corruption|INFO: task .* blocked|self-detected stall|unregister_netdevice: waiting)'
export KTEREDO_REPORTS

# ---- second stage: runs inside the guest as its PID 1 ----------------------
if [ "${1:-}" = --guest ]; then
	exec </dev/null >/dev/console 2>&1
	mount -t proc proc /proc
	grep -q kteredo.debug /proc/cmdline && set -x
	mount -t sysfs sys /sys
	mount -t devtmpfs dev /dev 2>/dev/null || true
	mkdir -p /dev/pts /dev/shm
	# what udev would make: bash's <(...) needs /dev/fd (dkms uses it)
	ln -sfn /proc/self/fd /dev/fd
	ln -sf /proc/self/fd/0 /dev/stdin
	ln -sf /proc/self/fd/1 /dev/stdout
	ln -sf /proc/self/fd/2 /dev/stderr
	mount -t devpts devpts /dev/pts
	mount -t tmpfs shm /dev/shm
	# a tree under the host's /tmp (mktemp -d) stays visible there
	case $top in
	/tmp/*) mkdir -p /mnt/kteredo-top && mount --bind "$top" /mnt/kteredo-top ;;
	esac
	mount -t tmpfs tmp /tmp
	case $top in
	/tmp/*) mkdir -p "$top" && mount --move /mnt/kteredo-top "$top" ;;
	esac
	mount -t tmpfs run /run
	mkdir -p /run/netns /var/run
	mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null || true
	out=/run/kteredo-out
	mkdir -p "$out"
	mount -t 9p -o trans=virtio,version=9p2000.L,msize=262144 out "$out"
	dmesg -w >"$out/dmesg" 2>&1 &
	hostname kteredo-vm
	ip link set lo up
	# depmod ran on the host (see below): under TCG over 9p it takes minutes.
	kver=$(uname -r)
	mkdir -p "/lib/modules/$kver"
	cp -r "$out/modroot/lib/modules/$kver/extra" "/lib/modules/$kver/"
	# the debug kernel's own modules; Debian's are on the 9p root
	[ -L "$out/modroot/lib/modules/$kver/kernel" ] ||
		cp -r "$out/modroot/lib/modules/$kver/kernel" "/lib/modules/$kver/"
	cp "$out/modroot/lib/modules/$kver"/modules.* "/lib/modules/$kver/"
	export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
	export HOME=/root KTEREDO_TOP="$top" KTEREDO_VM=1
	rc=0
	if cd "$top"; then
		bash "$out/cmd" </dev/null >/dev/console 2>&1 || rc=$?
	else
		echo "vm: $top is not in the guest" >/dev/console
		rc=2
	fi
	echo "$rc" >"$out/rc"
	sleep 1	# let dmesg -w drain the last lines
	sync
	echo o >/proc/sysrq-trigger
	# Builtins only from here: the 9p root goes away under us, and PID 1
	# faulting on a page of /bin/bash would panic the guest on its way out.
	SECONDS=0
	while [ "$SECONDS" -lt 10 ]; do :; done
	exit 0
fi

# ---- host side ------------------------------------------------------------
timeout=600
mem=
debug=
while getopts dt:m: opt; do
	case $opt in
	d) debug=1 ;;
	t) timeout=$OPTARG ;;
	m) mem=$OPTARG ;;
	*) echo "usage: $0 [-d] [-t SECONDS] [-m MB] CMD [ARG...]" >&2
	   exit 2 ;;
	esac
done
shift $((OPTIND - 1))
[ $# -gt 0 ] || { echo "vm: no command" >&2; exit 2; }

cache=${KTEREDO_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kteredo}
if [ -n "$debug" ]; then
	# KVER, IMAGE, MODROOT (the kernel's own modules) and MODULES (ours)
	eval "$("$top/scripts/kernel.sh" --print)"
	kver=$KVER
	kernel=$IMAGE
	kmods=("$MODULES/kmod" "$MODULES/kunit")
	# KASAN's shadow and kmemleak's metadata need room
	mem=${mem:-2048}
	# everything the initramfs needs is built in
	initrd_mods=
else
	kver=${KVER:-$("$top/scripts/kver.sh")}
	kernel=/boot/vmlinuz-$kver
	MODROOT=
	# VM_MODULES: where our modules for $kver are, if not in kmod/
	kmods=("${VM_MODULES:-$top/kmod}")
	mem=${mem:-1024}
	initrd_mods="virtio_pci 9pnet_virtio 9p overlay"
fi
initrd=$cache/initramfs-$kver.cpio.gz

# The initramfs only has to get to the 9p root: busybox and the modules
# for virtio-pci, 9p and overlayfs, in dependency order.
build_initrd() {
	local d m
	d=$(mktemp -d)
	mkdir -p "$d/bin" "$d/proc" "$d/sys" "$d/dev" "$d/mods" \
		"$d/host" "$d/rw" "$d/newroot"
	cp /bin/busybox "$d/bin/busybox"
	: >"$d/mods/order"
	for m in $initrd_mods; do
		/sbin/modprobe -S "$kver" --show-depends "$m" |
			awk '$1 == "insmod" { print $2 }'
	done | awk '!seen[$0]++' | while read -r m; do
		cp "$m" "$d/mods/"
		basename "$m" >>"$d/mods/order"
	done
	cat >"$d/init" <<'INIT'
#!/bin/busybox sh
/bin/busybox --install -s /bin
mount -t proc proc /proc
grep -q kteredo.debug /proc/cmdline && set -x
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
for m in $(cat /mods/order); do insmod /mods/$m; done
top=$(sed -n 's/.*kteredo.top=\([^ ]*\).*/\1/p' /proc/cmdline)
mount -t 9p -o trans=virtio,version=9p2000.L,msize=262144,ro hostroot /host
mount -t tmpfs rw /rw
mkdir -p /rw/upper /rw/work
mount -t overlay root -o lowerdir=/host,upperdir=/rw/upper,workdir=/rw/work /newroot
umount /proc /sys
umount /dev 2>/dev/null
exec switch_root /newroot /bin/bash "$top/scripts/vm.sh" --guest
INIT
	chmod 755 "$d/init"
	mkdir -p "$cache"
	# two VMs may start at once (make check): each writes its own file
	(cd "$d" && find . | cpio -o -H newc --quiet | gzip -1) >"$initrd.$$"
	mv "$initrd.$$" "$initrd"
	rm -rf "$d"
}

if [ ! -e "$kernel" ]; then
	echo "vm: no kernel image $kernel (scripts/deps.sh)" >&2
	exit 2
fi
if [ ! -e "$initrd" ] || [ "$self" -nt "$initrd" ]; then
	build_initrd
fi

out=$(mktemp -d /tmp/kteredo-vm.XXXXXX)
trap 'rm -rf "$out"' EXIT
# The project's modules, with a modules.dep made here for the guest.
mr=$out/modroot/lib/modules/$kver
mkdir -p "$mr/extra/kteredo"
find "${kmods[@]}" -name '*.ko' -exec cp {} "$mr/extra/kteredo/" \;
if [ -n "$MODROOT" ]; then
	cp -r "$MODROOT/lib/modules/$kver/kernel" "$mr/kernel"
	cp "$MODROOT/lib/modules/$kver"/modules.order \
		"$MODROOT/lib/modules/$kver"/modules.builtin* "$mr/"
else
	ln -s "/lib/modules/$kver/kernel" "$mr/kernel"
	cp "/lib/modules/$kver"/modules.order \
		"/lib/modules/$kver"/modules.builtin* "$mr/"
fi
/sbin/depmod -b "$out/modroot" "$kver"

# The command, quoted, as the guest's bash will read it.
printf '%q ' "$@" >"$out/cmd"
echo >>"$out/cmd"

# q35, not the default pc (i440fx) machine: the pc's ACPI _PRT is an AML
# loop over 128 entries that the debug kernel, under TCG, did not finish
# within ACPICA's 30 s loop timeout on one machine here: no PCI interrupt
# for virtio, and the guest hung in its second 9p mount. q35's is a table.
rc=0
timeout -k 10 "$timeout" qemu-system-x86_64 \
	-machine q35 -accel tcg -cpu max -m "$mem" -smp 2 -nic none \
	-display none -monitor none -serial stdio -no-reboot \
	-kernel "$kernel" -initrd "$initrd" \
	-append "console=ttyS0 loglevel=${VM_LOGLEVEL:-1} panic=-1 ${VM_DEBUG:+kteredo.debug} kteredo.top=$top" \
	-fsdev local,id=r,path=/,security_model=none,readonly=on,multidevs=remap \
	-device virtio-9p-pci,fsdev=r,mount_tag=hostroot \
	-fsdev local,id=o,path="$out",security_model=none,multidevs=remap \
	-device virtio-9p-pci,fsdev=o,mount_tag=out \
	</dev/null || rc=$?

if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
	echo "vm: timed out after ${timeout}s" >&2
	rc=124
elif [ -s "$out/rc" ]; then
	rc=$(cat "$out/rc")
else
	echo "vm: guest died before the command finished (qemu status $rc)" >&2
	rc=126
fi

# Any kernel report fails the run, whatever the command said.
if [ -e "$out/dmesg" ] && grep -Eq "$KTEREDO_REPORTS" "$out/dmesg"; then
	echo "vm: kernel report in guest dmesg:" >&2
	grep -E -B5 -A40 "$KTEREDO_REPORTS" "$out/dmesg" | head -n 150 >&2
	[ "$rc" = 0 ] && rc=125
fi
if [ -n "${VM_DMESG:-}" ] && [ -e "$out/dmesg" ]; then
	cp "$out/dmesg" "$VM_DMESG"
fi
exit "$rc"
