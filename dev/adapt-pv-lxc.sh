#!/usr/bin/env bash
# Applies dev/pv_lxc-debian-lxc.sed to ONE file (a copy of pantavisor's plugins/pv_lxc.c),
# in place, then checks that none of the four LXC-fork-only uses is left.
#   bash dev/adapt-pv-lxc.sh COPY/plugins/pv_lxc.c
# Exit 2: bad usage; exit 1: the file still uses something of the fork (its code changed shape).
set -euo pipefail
DEV_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
[ $# -eq 1 ] || { echo "usage: adapt-pv-lxc.sh FILE (a copy of plugins/pv_lxc.c)" >&2; exit 2; }
file=$1
[ -f "$file" ] || { echo "adapt-pv-lxc.sh: not a file: '$file'" >&2; exit 2; }
sed -i -f "$DEV_DIR/pv_lxc-debian-lxc.sed" -- "$file"
left=$(grep -nE 'lxc/pv_export\.h|set_container_type\(|lxc_log_set_alternative_output\(|"lxc\.rootfs\.bdev_type"' -- "$file" || true)
if [ -n "$left" ]; then
	echo "adapt-pv-lxc.sh: '$file' still uses the LXC fork after the adaptation (pv_lxc.c changed shape; update dev/pv_lxc-debian-lxc.sed):" >&2
	echo "$left" >&2
	exit 1
fi
