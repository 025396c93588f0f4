#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Run kteredo's KUnit suites with tools/testing/kunit/kunit.py from Debian's
# linux-source-6.1, under QEMU (x86_64, TCG), with KASAN and lockdep.
#
# The tarball is extracted once into $KTEREDO_CACHE (outside the repository)
# and the project's Kconfig, kmod/ and kunit/ are linked into it as
# drivers/net/kteredo, so the second run only rebuilds what changed.
#
# Usage: scripts/kunit.sh [kunit.py run options, e.g. a suite filter glob]
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
cache=${KTEREDO_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kteredo}
tarball=$(ls /usr/src/linux-source-6.1.tar.* 2>/dev/null | head -n1)
src=$cache/linux-source-6.1
build=$cache/kunit-build

if [ -z "$tarball" ]; then
	echo "kunit: /usr/src/linux-source-6.1.tar.* missing (scripts/deps.sh)" >&2
	exit 1
fi

mkdir -p "$cache"
# One build directory, so one run at a time.
exec 9>"$cache/kunit.lock"
flock 9
stamp=$src/.kteredo-extracted
if [ ! -e "$stamp" ] || [ "$tarball" -nt "$stamp" ]; then
	echo "kunit: extracting $tarball into $cache"
	rm -rf "$src" "$build"
	tar -C "$cache" -xf "$tarball"
	touch "$stamp"
fi

# Wire the project in. Links, not copies: edits are seen at once.
k=$src/drivers/net/kteredo
mkdir -p "$k"
ln -sfn "$top/kmod" "$k/kmod"
ln -sfn "$top/kunit" "$k/kunit"
ln -sfn "$top/Kconfig" "$k/Kconfig"
printf 'obj-y += kmod/ kunit/\n' >"$k/Kbuild"
grep -q kteredo "$src/drivers/net/Kconfig" ||
	sed -i '/^endif # NETDEVICES/i source "drivers/net/kteredo/Kconfig"' \
		"$src/drivers/net/Kconfig"
grep -q kteredo "$src/drivers/net/Makefile" ||
	echo 'obj-$(CONFIG_TEREDO) += kteredo/' >>"$src/drivers/net/Makefile"

cd "$src"
python3 tools/testing/kunit/kunit.py run \
	--arch=x86_64 \
	--build_dir="$build" \
	--kunitconfig="$top/kunit/.kunitconfig" \
	--kconfig_add CONFIG_KASAN=y \
	--kconfig_add CONFIG_KASAN_GENERIC=y \
	--kconfig_add CONFIG_KASAN_INLINE=y \
	--kconfig_add CONFIG_DEBUG_KERNEL=y \
	--kconfig_add CONFIG_PROVE_LOCKING=y \
	--kconfig_add CONFIG_DEBUG_ATOMIC_SLEEP=y \
	--kconfig_add CONFIG_PROVE_RCU=y \
	--timeout=900 \
	--jobs="$(nproc)" \
	"$@"
