#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# teredoctl's command line on this host, without a kernel module: a fake
# /sys/class/net (SYSFS_NET) with one teredo device and one other, and
# the conventions of ip and wg checked case by case: --help and --version
# after any command, long options, "unknown command", the exit codes
# teredoctl(8) documents, and status -j printing valid JSON with the
# documented keys. Prints "PASS ctl/NAME" or "FAIL ctl/NAME" per case,
# then "N passed, N failed".
set -u

top=$(cd "$(dirname "$0")/.." && pwd)
ctl=$top/userspace/teredoctl
[ -x "$ctl" ] || { echo "FAIL ctl/build: $ctl not built (make userspace)"; echo "0 passed, 1 failed"; exit 1; }
sys=$(mktemp -d /tmp/kteredo-ctl.XXXXXX)
trap 'rm -rf "$sys"' EXIT
passed=0
failed=0

# teredo0: qualified; eth9: not a teredo device
t=$sys/teredo0/teredo
mkdir -p "$t" "$sys/eth9"
printf '%s\n' qualified >"$t/state"
printf '%s\n' 40000 >"$t/port"
printf '%s\n' 2001:0:c633:6401:0:63ff:39cc:9bf4 >"$t/address"
printf '%s\n' 198.51.100.1 >"$t/server"
printf '%s\n' 198.51.100.11 >"$t/mapped_address"
printf '%s\n' 40000 >"$t/mapped_port"
printf '%s\n' symmetric >"$t/nat"
printf '\n' >"$t/nat_flags"
printf '%s\n' 2 >"$t/peers"
printf '%s\n' 0x0 >"$t/fwmark"
printf '%s\n' 1 >"$t/local_discovery"
printf 'not_qualified 0\nspoofed_src 7\nunreachable_symmetric 1\n' >"$t/drops"

# run ARGS...: teredoctl on the fake tree; output in $out, status in $rc
run() {
	out=$(SYSFS_NET=$sys "$ctl" "$@" 2>&1)
	rc=$?
}
ok() {	# ok NAME CONDITION...
	local name=$1
	shift
	if "$@"; then
		passed=$((passed + 1))
		echo "PASS ctl/$name"
	else
		failed=$((failed + 1))
		echo "    teredoctl said (status $rc):"
		echo "$out" | sed 's/^/    /'
		echo "FAIL ctl/$name"
	fi
}
has() { echo "$out" | grep -q -- "$1"; }
status_is() { [ "$rc" = "$1" ]; }

run --help
ok help-first eval 'status_is 0 && has "^usage: teredoctl"'
for c in status watch rebind nft-sync add set del; do
	run "$c" --help
	ok "help-after-$c" eval 'status_is 0 && has "^usage: teredoctl"'
done
run status -h
ok help-short eval 'status_is 0 && has "^usage: teredoctl"'
run --version
ok version eval 'status_is 0 && has "^teredoctl [0-9]"'
run status --version
ok version-after-command eval 'status_is 0 && has "^teredoctl [0-9]"'
run stauts
ok unknown-command eval "status_is 2 && has \"unknown command 'stauts'\""
run
ok no-command status_is 2
run status --jsno
ok unknown-long-option eval 'status_is 2 && has "^usage:"'
run status teredo0 extra
ok too-many-arguments status_is 2
run status eth9
ok not-teredo eval 'status_is 1 && has "eth9 is not a teredo device"'
run status nosuchdev
ok no-device status_is 1
run status teredo0
ok status-qualified eval 'status_is 0 && has "nat  *symmetric"'

json_ok() {
	echo "$out" | python3 -c '
import json, sys
s = json.loads(sys.stdin.read())
keys = ["dev", "state", "port", "address", "server", "mapped_address",
        "mapped_port", "nat", "nat_flags", "peers", "fwmark",
        "local_discovery", "drops"]
assert list(s) == keys, list(s)
assert s["port"] == 40000 and s["peers"] == 2 and s["nat_flags"] is None
assert s["drops"] == {"not_qualified": 0, "spoofed_src": 7,
                      "unreachable_symmetric": 1}, s["drops"]
'
}
for o in -j --json; do
	run status "$o" teredo0
	ok "status$o" eval 'status_is 0 && json_ok'
done
printf '%s\n' qualifying >"$t/state"
run status --json
ok status-not-qualified eval 'status_is 3 && json_ok'
# a value that reads as a number where a number belongs, or null
printf '%s\n' '40000"}' >"$t/port"
run status -j
ok status-json-hostile-port eval 'echo "$out" | python3 -c "import json,sys; assert json.load(sys.stdin)[\"port\"] is None"'
printf '%s\n' 'x"y\z' >"$t/server"
run status -j
ok status-json-escaped eval 'echo "$out" | python3 -c "import json,sys; assert json.load(sys.stdin)[\"server\"] == \"x\\\"y\\\\z\""'

run nft-sync -s teredo_port teredo0
ok nft-sync-no-table status_is 2
run nft-sync --table filter --set teredo_port --interval 0 teredo0
ok nft-sync-interval-range status_is 2
run nft-sync --table filter --set teredo_port --interval 1x teredo0
ok nft-sync-interval-number status_is 2
# names are pasted into nft commands: nft identifiers and families only,
# checked before anything else (eth9: a teredoctl that did not check them
# stops at the device, never reaching nft on this host)
run nft-sync --once --table 'filter; flush ruleset' --set teredo_port eth9
ok nft-sync-table-not-identifier eval 'status_is 2 && has "is not an nft identifier"'
run nft-sync --once --table filter --set 'p }; add rule' eth9
ok nft-sync-set-not-identifier eval 'status_is 2 && has "is not an nft identifier"'
run nft-sync --once --family 'inet;' --table filter --set teredo_port eth9
ok nft-sync-family-unknown eval 'status_is 2 && has "unknown nft family"'
run nft-sync --table filter --set teredo_port --once eth9
ok nft-sync-long-options-not-teredo eval 'status_is 1 && has "eth9 is not a teredo device"'

run add
ok add-no-device status_is 2
run set teredo0 colour blue
ok set-unknown-setting status_is 2
run set teredo0 port 70000
ok set-port-range status_is 2
run set teredo0 refresh
ok set-value-missing status_is 2

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
