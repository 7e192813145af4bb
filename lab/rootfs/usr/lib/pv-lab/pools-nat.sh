# pv-ipam-tests APPENGINE LAB - pools-nat.sh: pools, bridges, NAT backends (nft / iptables) and pool isolation
# Sourced by the lab's /usr/bin/pantavisor (a simulator, NOT Pantavisor); it uses the globals and
# helpers that script and the other modules define. Shares no code with the toolkit.
# shellcheck shell=bash

# ---------------------------------------------------------------- IPAM
ipam_add_pool() { # name type bridge parent subnet gateway nat
	local name=$1 type=$2 br=$3 parent=$4 subnet=$5 gw=$6 nat=$7 addr pfx net gwi
	if [ -z "$name" ]; then L ERROR ipam pv_ipam_add_pool:162 "invalid pool parameters"; return 1; fi
	addr=${subnet%%/*}
	pfx=${subnet#*/}
	if [[ $subnet != */* ]] || ! net=$(ip2int "$addr") || ! [[ $pfx =~ ^[0-9]+$ ]] || ((10#$pfx > 32)); then
		L ERROR ipam pv_ipam_add_pool:167 "invalid subnet CIDR: $subnet"
		return 1
	fi
	pfx=$((10#$pfx))
	if ! gwi=$(ip2int "$gw"); then
		L ERROR ipam pv_ipam_add_pool:172 "invalid gateway IP: $gw"
		return 1
	fi
	if [ -n "${POOL_TYPE[$name]:-}" ]; then
		L WARN ipam pv_ipam_add_pool:178 "pool '$name' already exists"
		return 1
	fi
	POOLS+=("$name")
	POOL_TYPE[$name]=$type
	POOL_BR[$name]=$br
	POOL_SUBNET[$name]=$subnet
	POOL_NET[$name]=$net
	POOL_MASK[$name]=$(prefix2mask "$pfx")
	POOL_PREFIX[$name]=$pfx
	POOL_GW[$name]=$gw
	POOL_GWI[$name]=$gwi
	POOL_NAT[$name]=$nat
	POOL_NEXT[$name]=$((gwi + 1))
	local yn=no
	[ "$nat" = 1 ] && yn=yes
	L INFO ipam pv_ipam_add_pool:206 "added pool '$name': type=$type, subnet=$subnet, gateway=$gw, nat=$yn"
	return 0
}

setup_bridge() { # POOL
	local pool=$1 br=${POOL_BR[$1]} err
	if ! err=$("$IPR" link add name "$br" type bridge 2>&1); then
		if ! "$IPR" link show dev "$br" >/dev/null 2>&1; then
			L ERROR ipam setup_bridge:548 "unable to create bridge $br: ${err##*: }"
			return 1
		fi
	fi
	if ! fault no-bridge; then
		if ! err=$("$IPR" addr replace "${POOL_GW[$pool]}/${POOL_PREFIX[$pool]}" brd + dev "$br" 2>&1); then
			L ERROR ipam setup_bridge:576 "unable to set IP ${POOL_GW[$pool]} on $br: ${err##*: }"
			return 1
		fi
	fi
	if ! err=$("$IPR" link set dev "$br" up 2>&1); then
		L ERROR ipam setup_bridge:609 "unable to bring up $br: ${err##*: }"
		return 1
	fi
	L INFO ipam setup_bridge:622 "created bridge $br with IP ${POOL_GW[$pool]}/${POOL_PREFIX[$pool]}"
}

setup_nat() { # POOL
	local pool=$1 br=${POOL_BR[$1]} sub have_nft=1 have_ipt=1 ret=1
	if [ "${POOL_NAT[$pool]}" != 1 ] && ! fault nat-every-pool; then return 0; fi
	sub="$(int2ip "${POOL_NET[$pool]}")/${POOL_PREFIX[$pool]}"
	/bin/sh -c 'echo 1 > /proc/sys/net/ipv4/ip_forward' >/dev/null 2>&1 ||
		L WARN ipam setup_nat:647 "failed to enable IP forwarding"
	/bin/sh -c 'command -v nft >/dev/null 2>&1' || have_nft=0
	/bin/sh -c 'command -v iptables >/dev/null 2>&1' || have_ipt=0
	if fault nat-iptables; then
		# defect: the iptables backend is used although nft is available
		"$IPTABLES" -t nat -C POSTROUTING -s "$sub" ! -o "$br" -j MASQUERADE 2>/dev/null ||
			"$IPTABLES" -t nat -A POSTROUTING -s "$sub" ! -o "$br" -j MASQUERADE 2>/dev/null
		ret=$?
		[ "$ret" = 0 ] && L INFO ipam setup_nat:680 "setup NAT (iptables) for pool $pool"
		have_ipt=1
	elif [ "$have_nft" = 1 ]; then
		if fault no-nat; then
			ret=0 # defect: claims success, installs nothing
		else
			/bin/sh -c "nft add table nat 2>/dev/null; nft add chain nat postrouting { type nat hook postrouting priority 100 \\; } 2>/dev/null; nft add rule nat postrouting ip saddr $sub oifname != \"$br\" masquerade 2>/dev/null"
			ret=$?
		fi
		[ "$ret" = 0 ] && L INFO ipam setup_nat:666 "setup NAT (nftables) for pool $pool"
	fi
	if [ "$ret" != 0 ] && [ "$have_ipt" = 1 ] && ! fault nat-iptables; then
		/bin/sh -c "iptables -t nat -C POSTROUTING -s $sub ! -o $br -j MASQUERADE 2>/dev/null || iptables -t nat -A POSTROUTING -s $sub ! -o $br -j MASQUERADE 2>/dev/null"
		ret=$?
		[ "$ret" = 0 ] && L INFO ipam setup_nat:680 "setup NAT (iptables) for pool $pool"
	fi
	if [ "$ret" != 0 ]; then
		if [ "$have_nft" = 0 ] && [ "$have_ipt" = 0 ]; then
			L WARN ipam setup_nat:687 "neither nftables (nft) nor iptables available; cannot setup NAT for pool $pool"
		else
			L WARN ipam setup_nat:691 "failed to setup NAT for pool $pool"
		fi
	fi
	return 0
}

ipam_setup_bridges() {
	local pool
	for pool in "${POOLS[@]}"; do
		[ "${POOL_TYPE[$pool]}" = bridge ] || continue
		setup_bridge "$pool" || continue
		setup_nat "$pool"
	done
}
