#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# test-peer-kteredo.sh with teredo0's offloads turned off on both sides:
# one datagram per TCP segment; see PEER_NO_OFFLOAD there.
PEER_NO_OFFLOAD=1 exec bash "$(dirname "$0")/test-peer-kteredo.sh"
