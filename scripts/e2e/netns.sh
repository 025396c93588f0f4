# SPDX-License-Identifier: GPL-2.0
#
# Network namespaces of the e2e tests, sourced by lib.sh (a test's own
# cleanup) and run.sh (what a test cut by its bound left behind).

# netns_signal SIGNAL NS...: signal every process running in the namespaces
netns_signal() {
	local sig=$1 ns pid
	shift
	for ns in "$@"; do
		for pid in $(ip netns pids "$ns" 2>/dev/null); do
			kill "-$sig" "$pid" 2>/dev/null
		done
	done
}

# netns_purge NS...: kill what still runs in the namespaces, delete them
netns_purge() {
	local ns
	netns_signal KILL "$@"
	for ns in "$@"; do
		ip netns del "$ns" 2>/dev/null
	done
}
