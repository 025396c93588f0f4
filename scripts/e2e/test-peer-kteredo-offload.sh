#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# test-peer-kteredo with teredo0's UDP-tunnel GSO offloads turned on on
# both sides; see PEER_GSO there.
PEER_GSO=1 exec bash "$(dirname "$0")/test-peer-kteredo.sh"
