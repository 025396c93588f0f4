#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build the debug kernel the VM tests run on, and the project's modules
# (kmod/, its samples and the KUnit suites in kunit/) against it.
#
#   scripts/kernel.sh           build what changed; print nothing else
#   scripts/kernel.sh --print   also print KVER, the image and the modules
#
# The kernel is Debian's linux-source-6.1, configured as WireGuard's qemu
# selftests configure theirs: allnoconfig plus scripts/kernel/kernel.config
# (what the rig and the tests need) plus scripts/kernel/debug.config (KASAN,
# UBSAN, kmemleak, lockdep, debug objects, refcount trackers, KUnit). It is
# built once into $KTEREDO_CACHE/debug-kernel, outside the repository, and
# rebuilt only when a config file changes. The project's modules are built
# out of tree, as a user builds them, from a mirror of kmod/ and kunit/ in
# the same cache, so they never mix with the stock-kernel build in kmod/.
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
cache=${KTEREDO_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kteredo}
tarball=$(ls /usr/src/linux-source-6.1.tar.* 2>/dev/null | head -n1)
src=$cache/linux-source-6.1
build=$cache/debug-kernel
mods=$cache/debug-modules
jobs=$(nproc)

if [ -z "$tarball" ]; then
	echo "kernel: /usr/src/linux-source-6.1.tar.* missing (scripts/deps.sh)" >&2
	exit 1
fi
mkdir -p "$cache"
exec 9>"$cache/kernel.lock"
flock 9

stamp=$src/.kteredo-extracted
if [ ! -e "$stamp" ] || [ "$tarball" -nt "$stamp" ]; then
	echo "kernel: extracting $tarball into $cache" >&2
	rm -rf "$src" "$build"
	tar -C "$cache" -xf "$tarball"
	touch "$stamp"
fi
# What an older scripts/kunit.sh left: its own kernel build, and kteredo
# wired into the tree. The modules are built out of tree now.
rm -rf "$cache/kunit-build" "$cache/kunit.lock"
if [ -e "$src/drivers/net/kteredo" ] ||
   grep -q kteredo "$src/drivers/net/Kconfig" "$src/drivers/net/Makefile"; then
	rm -rf "$src/drivers/net/kteredo"
	sed -i '/kteredo/d' "$src/drivers/net/Kconfig" "$src/drivers/net/Makefile"
fi

# ---- configure: only when a config fragment changed --------------------------
mkdir -p "$build"
want=$build/kteredo.config
cat "$top/scripts/kernel/kernel.config" "$top/scripts/kernel/debug.config" \
	>"$want.new"
if [ ! -e "$build/.config" ] || ! cmp -s "$want.new" "$want"; then
	echo "kernel: configuring $build" >&2
	make -s -C "$src" O="$build" KCONFIG_ALLCONFIG="$want.new" \
		allnoconfig >/dev/null
	# Every line must have survived: a symbol that lost a dependency
	# would silently drop a checker.
	bad=0
	while IFS= read -r l; do
		case $l in
		CONFIG_*=n) s=${l%=n}
			    grep -q "^$s=" "$build/.config" || continue ;;
		CONFIG_*) grep -qxF "$l" "$build/.config" && continue ;;
		*) continue ;;
		esac
		echo "kernel: $l did not survive olddefconfig" >&2
		bad=1
	done <"$want.new"
	[ "$bad" = 0 ] || exit 1
	mv "$want.new" "$want"
else
	rm -f "$want.new"
fi

# ---- build: incremental, at low priority -------------------------------------
start=$(date +%s)
nice make -s -C "$build" -j"$jobs" bzImage modules >&2
kver=$(make -s -C "$build" kernelrelease)
root=$build/root
inst=$root/lib/modules/$kver/modules.builtin
if [ ! -e "$inst" ] || [ "$build/arch/x86/boot/bzImage" -nt "$inst" ] ||
   [ "$build/modules.order" -nt "$inst" ]; then
	rm -rf "$root"
	make -s -C "$build" INSTALL_MOD_PATH="$root" INSTALL_MOD_STRIP=1 \
		DEPMOD=/bin/true modules_install >&2
fi
secs=$(($(date +%s) - start))
[ "$secs" -gt 30 ] && echo "kernel: built $kver in ${secs}s" >&2

# ---- the project's modules, out of tree --------------------------------------
# A mirror of the sources only, so kbuild's objects land here and not in
# kmod/ (where the stock-kernel objects are). A file is copied only when
# its content differs, and one gone from the tree is removed: mtimes from
# another checkout (older or newer than the objects) must not decide what
# is rebuilt, or a module links objects of other sources.
mkdir -p "$mods"
srcs=$(cd "$top" && find kmod kunit -path kunit/fuzz -prune -o -type f \
	\( -name '*.[ch]' -o -name Kbuild -o -name Makefile \) \
	! -name '*.mod.c' -print | sort)
for f in $srcs; do
	cmp -s "$top/$f" "$mods/$f" && continue
	mkdir -p "$mods/$(dirname "$f")"
	cp "$top/$f" "$mods/$f"
done
(cd "$mods" && find kmod kunit -type f \( -name '*.[ch]' -o -name Kbuild \
	-o -name Makefile \) ! -name '*.mod.c' -print | sort) |
	while read -r f; do
		case $'\n'"$srcs"$'\n' in
		*$'\n'"$f"$'\n'*) ;;
		*) rm -f "$mods/$f" "$mods/${f%.c}.o" ;;
		esac
	done
make -s -C "$build" M="$mods/kmod" W=1 -j"$jobs" \
	KTEREDO_VERSION="$("$top/scripts/version.sh")" modules >&2
make -s -C "$build" M="$mods/kunit" W=1 -j"$jobs" \
	KBUILD_EXTRA_SYMBOLS="$mods/kmod/Module.symvers" modules >&2

if [ "${1:-}" = --print ]; then
	echo "KVER=$kver"
	echo "IMAGE=$build/arch/x86/boot/bzImage"
	echo "MODROOT=$root"
	echo "MODULES=$mods"
	echo "SRC=$src"
fi
