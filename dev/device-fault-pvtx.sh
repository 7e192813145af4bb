#!/bin/sh
# pv-ipam-tests' fault switch DEVICE_DEV_FAULT=reject-updates (dev/device-dev.sh), not Pantavisor's
# code: bind-mounted as /usr/local/bin/pvtx of that device only, first on PATH (a login over
# Pantavisor's SSH gets pid 1's PATH), so that the device refuses to commit any update. Every
# other pvtx command (pv-appengine's first-boot deploy too) is Pantavisor's own /usr/bin/pvtx.
if [ "${1:-}" = commit ]; then
	echo "pvtx: commit refused: this device rejects every update (pv-ipam-tests DEVICE_DEV_FAULT=reject-updates)" >&2
	exit 1
fi
exec /usr/bin/pvtx "$@"
