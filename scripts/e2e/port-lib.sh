# SPDX-License-Identifier: GPL-2.0
#
# Helpers for the port publication tests (test-port-*.sh); sourced after
# lib.sh.

PORT_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
TEREDOCTL=$PORT_TOP/userspace/teredoctl
PORT_SYS=/sys/class/net/teredo0/teredo

# port_fail MSG: explain and fail.
port_fail() {
	echo "--- dmesg (teredo)"
	dmesg | grep -E 'teredo' | tail -n 60
	for f in "$E2E_TMP"/*.out; do
		[ -e "$f" ] || continue
		echo "--- $f"
		tail -n 40 "$f"
	done
	fail "$*"
}

# port_unload: leave the VM as a test found it, whatever happened.
port_unload() {
	rmmod teredo_port_sample 2>/dev/null
	rmmod teredo 2>/dev/null
	true
}

# sample_events: the sample module's port event lines since the last mark
# (not QUALIFIED/OFFLINE/DISCOVERY_*: the client raises those on its own
# schedule).
port_mark() {
	PORT_MARK=$(dmesg | wc -l)
}
sample_events() {
	dmesg | tail -n "+$((PORT_MARK + 1))" |
		sed -n 's/^\[[ 0-9.]*\] teredo_port_sample: \(event=.*\)$/\1/p' |
		grep -Ev '^event=(QUALIFIED|OFFLINE|DISCOVERY_UP|DISCOVERY_DOWN) '
}
sample_getters() {
	dmesg | tail -n "+$((PORT_MARK + 1))" |
		sed -n 's/^\[[ 0-9.]*\] teredo_port_sample: \(get_port .*\)$/\1/p'
}

# last_getter_is STRING: the last softirq getter line ends with STRING.
last_getter_is() {
	sample_getters | tail -n 1 | grep -q -- "ctx=softirq .*$1\$"
}

# read_port [SYSDIR]: the bound port, or "down".
read_port() {
	cat "${1:-$PORT_SYS}/port" 2>/dev/null || echo down
}

# expect_write_fails FILE VALUE: a write that must be rejected.
expect_write_fails() {
	if echo "$2" 2>/dev/null >"$1"; then
		port_fail "writing '$2' to $1 succeeded"
	fi
}

# port_fixed_dev PORT: teredo.ko loaded, teredo0 in cl1 (which must
# exist) up on fixed port PORT, its server 192.0.2.1 (which never answers)
port_fixed_dev() {
	local sys=$PORT_SYS

	modprobe teredo || port_fail "modprobe teredo"
	ip -n cl1 link add teredo0 type teredo || port_fail "ip link add"
	ip netns exec cl1 sh -c "echo 192.0.2.1 >$sys/server && echo $1 >$sys/port" ||
		port_fail "server, port attributes"
	ip -n cl1 link set teredo0 up || port_fail "link up"
	[ "$(ip netns exec cl1 cat "$sys/port")" = "$1" ] ||
		port_fail "port not $1"
}
