#!/bin/sh
# peer.sh [CMD ARGS...]: the "external host" of Test 3 for the dev appengine, then exec CMD.
#
# Run inside the appengine container (docker run --network none), before pv-appengine. It
# builds, in namespaces of the container's own, what the lab's pv-appengine builds for the lab:
#
#   appengine netns (the container)                     peer netns (bind-mounted at $PEER_NS)
#   eth0 198.51.100.2/24 ─────────── veth ─────────────  uplink0 198.51.100.1/24
#   (peer0 when eth0 is the container's own: make device-dev)
#   default via 198.51.100.1                              (knows only its /24)
#
# 198.51.100.0/24 is TEST-NET-2 (RFC 5737): never a real address. A container of a nat:true pool
# reaches 198.51.100.1 only through Pantavisor's masquerade rule (its replies go to .2); one of a
# nat:false pool gets no reply (the peer has no route back to 10.0.x.0/24).
# Idempotent. Does nothing when the container already has a default route (a real network).
# Needs: ip (busybox or iproute2), unshare and nsenter (util-linux), CAP_NET_ADMIN + CAP_SYS_ADMIN.
# In the image: install it as /usr/lib/pv-ipam-tests/peer.sh and put on PATH before /usr/bin a
# `pv-appengine` that runs `exec /usr/lib/pv-ipam-tests/peer.sh /usr/bin/pv-appengine "$@"`.
set -eu

PEER_ADDR=198.51.100.1
LOCAL_ADDR=198.51.100.2
PEER_NS=/run/pv-ipam-tests/peer.net

say() { echo "[pvtest] $(date +%s) INFO -- [pv-ipam-tests peer]: $*"; }
fail() { echo "[pvtest] $(date +%s) ERROR -- [pv-ipam-tests peer]: $*" >&2; exit 3; }

# the interface to the peer: eth0, unless the container already has an eth0 of its own (a docker
# network: `make device-dev`, dev/device-dev.sh), then peer0
IFACE=eth0
if ip link show dev eth0 >/dev/null 2>&1 && ! ip addr show dev eth0 | grep -q "inet $LOCAL_ADDR/"; then IFACE=peer0; fi

peer_ready() { [ -e "$PEER_NS" ] && ip link show dev "$IFACE" >/dev/null 2>&1 && ip addr show dev "$IFACE" | grep -q "inet $LOCAL_ADDR/"; }

if peer_ready; then
	say "external host $PEER_ADDR already set up"
elif [ -n "$(ip route show default 2>/dev/null)" ]; then
	say "this container has a default route (a real network): no external host created"
else
	mkdir -p "${PEER_NS%/*}"
	[ -e "$PEER_NS" ] || { : >"$PEER_NS" && unshare --net="$PEER_NS" true; } || fail "cannot create the peer netns at $PEER_NS (unshare --net=FILE needs CAP_SYS_ADMIN)"
	# the veth is made in the peer netns and its $IFACE end moved here (to this shell's netns), so
	# that busybox ip (whose `netns` takes only a PID) is enough
	nsenter --net="$PEER_NS" sh -c '
		set -e
		ip link set lo up
		ip link add "$3" type veth
		peer=$(ip link show dev "$3" | sed -n "1s/^[0-9]*: $3@\([^:]*\):.*/\1/p")
		[ -n "$peer" ]
		ip link set dev "$peer" name uplink0
		ip addr add "$1/24" dev uplink0
		ip link set dev uplink0 up
		ip link set dev "$3" netns "$2"
	' peer "$PEER_ADDR" "$$" "$IFACE" || fail "cannot create the veth to the peer netns"
	ip addr add "$LOCAL_ADDR/24" dev "$IFACE"
	ip link set dev "$IFACE" up
	ip route add default via "$PEER_ADDR" dev "$IFACE"
	peer_ready || fail "$IFACE has no $LOCAL_ADDR after set-up"
	say "external host $PEER_ADDR (TEST-NET-2, a netns of this container) via $IFACE $LOCAL_ADDR"
fi

[ $# -eq 0 ] || exec "$@"
