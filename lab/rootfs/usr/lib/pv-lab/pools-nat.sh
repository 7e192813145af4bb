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
		# SIOCSIFADDR replaces the bridge's address: an earlier gateway (a pool whose subnet
		# changed in an update) does not stay
		local a
		for a in $("$IPR" -4 -o addr show dev "$br" 2>/dev/null | awk '{ print $4 }'); do
			[ "$a" = "${POOL_GW[$pool]}/${POOL_PREFIX[$pool]}" ] || "$IPR" addr del "$a" dev "$br" 2>/dev/null
		done
	fi
	if ! err=$("$IPR" link set dev "$br" up 2>&1); then
		L ERROR ipam setup_bridge:609 "unable to bring up $br: ${err##*: }"
		return 1
	fi
	# a non-reboot transition finds its bridges up and logs no "created bridge" line (observed:
	# test/fixtures/real-updates/update-add-container, only setup_nat runs again)
	[ "${BRIDGES_QUIET:-0}" = 1 ] && return 0
	L INFO ipam setup_bridge:622 "created bridge $br with IP ${POOL_GW[$pool]}/${POOL_PREFIX[$pool]}"
}

# setup_nat POOL: like Pantavisor, the backends are probed on PATH at this moment (command -v), so
# a hidden nft/iptables counts as absent. nft is preferred; iptables (-C || -A, idempotent) is
# the fallback when nft is missing or its command fails.
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
		# variant 'nat-stale-removed': rules of this bridge for another subnet (the pool's subnet
		# before an update) are removed first
		if variant nat-stale-removed; then
			local h
			for h in $(nft -a list chain ip nat postrouting 2>/dev/null | awk -v s="$sub" -v b="\"$br\"" '$1 == "ip" && $2 == "saddr" && $3 != s && $5 == "!=" && $6 == b { print $NF }'); do
				nft delete rule ip nat postrouting handle "$h" 2>/dev/null
			done
		fi
		if fault no-nat; then
			ret=0 # defect: claims success, installs nothing
		elif variant nat-idempotent; then
			# variant: the rule is added only when the chain does not hold it yet
			/bin/sh -c "nft add table nat 2>/dev/null; nft add chain nat postrouting { type nat hook postrouting priority 100 \\; } 2>/dev/null; nft list chain ip nat postrouting 2>/dev/null | grep -qF 'ip saddr $sub oifname != \"$br\" masquerade' || nft add rule nat postrouting ip saddr $sub oifname != \"$br\" masquerade 2>/dev/null"
			ret=$?
		else
			/bin/sh -c "nft add table nat 2>/dev/null; nft add chain nat postrouting { type nat hook postrouting priority 100 \\; } 2>/dev/null; nft add rule nat postrouting ip saddr $sub oifname != \"$br\" masquerade 2>/dev/null"
			ret=$?
		fi
		[ "$ret" = 0 ] && L INFO ipam setup_nat:666 "setup NAT (nftables) for pool $pool"
	fi
	if [ "$ret" != 0 ] && [ "$have_ipt" = 1 ] && ! fault nat-iptables; then
		if fault iptables-no-masquerade; then
			ret=0 # defect: claims success, adds no rule
		else
			/bin/sh -c "iptables -t nat -C POSTROUTING -s $sub ! -o $br -j MASQUERADE 2>/dev/null || iptables -t nat -A POSTROUTING -s $sub ! -o $br -j MASQUERADE 2>/dev/null"
			ret=$?
		fi
		[ "$ret" = 0 ] && L INFO ipam setup_nat:680 "setup NAT (iptables) for pool $pool"
	fi
	if [ "$ret" != 0 ]; then
		if [ "$have_nft" = 0 ] && [ "$have_ipt" = 0 ]; then
			# defect 'silent-no-backend': nothing says NAT is missing
			fault silent-no-backend ||
				L WARN ipam setup_nat:687 "neither nftables (nft) nor iptables available; cannot setup NAT for pool $pool"
		else
			L WARN ipam setup_nat:691 "failed to setup NAT for pool $pool"
		fi
	fi
	return 0
}

# setup_isolation (variant 'isolation', the unmerged feature/ipam-isolation build): with two or
# more bridge pools, forwarding between different pool bridges is dropped (one rule per ordered
# pair), replies of established flows still pass. No configuration gate. The lab flushes its
# chain first, so a relaunch does not duplicate the rules (not observed on the real branch).
setup_isolation() {
	local pool brs=() a b n=0 cmds="" ipt=""
	for pool in "${POOLS[@]}"; do
		[ "${POOL_TYPE[$pool]}" = bridge ] || continue
		[[ " ${brs[*]} " == *" ${POOL_BR[$pool]} "* ]] && continue
		brs+=("${POOL_BR[$pool]}")
	done
	((${#brs[@]} >= 2)) || return 0
	for a in "${brs[@]}"; do
		for b in "${brs[@]}"; do
			[ "$a" = "$b" ] && continue
			n=$((n + 1))
			cmds+="add rule inet pv_ipam forward iifname \"$a\" oifname \"$b\" drop"$'\n'
			ipt+="iptables -C FORWARD -i $a -o $b -j DROP 2>/dev/null || iptables -A FORWARD -i $a -o $b -j DROP 2>/dev/null; "
		done
	done
	if /bin/sh -c 'command -v nft >/dev/null 2>&1'; then
		if ! fault isolation-no-rules; then
			printf '%s' "add table inet pv_ipam
add chain inet pv_ipam forward { type filter hook forward priority 0 ; policy accept ; }
flush chain inet pv_ipam forward
add rule inet pv_ipam forward ct state related,established accept
$cmds" | /bin/sh -c 'nft -f - 2>/dev/null' ||
				{ L WARN ipam setup_isolation:672 "failed to setup pool isolation (nftables)"; return 0; }
		fi
		L INFO ipam setup_isolation:682 "pool isolation (nftables): $n cross-pool drop rule(s) installed"
	elif /bin/sh -c 'command -v iptables >/dev/null 2>&1'; then
		if ! fault isolation-no-rules; then
			/bin/sh -c "iptables -C FORWARD -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT 2>/dev/null || iptables -I FORWARD 1 -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT 2>/dev/null; $ipt"
		fi
		L INFO ipam setup_isolation:704 "pool isolation (iptables): $n cross-pool drop rule(s) installed"
	else
		L WARN ipam setup_isolation:710 "neither nftables (nft) nor iptables available; cannot setup pool isolation"
	fi
}

ipam_setup_bridges() {
	local pool
	for pool in "${POOLS[@]}"; do
		[ "${POOL_TYPE[$pool]}" = bridge ] || continue
		setup_bridge "$pool" || continue
		setup_nat "$pool"
	done
	variant isolation && setup_isolation
	return 0
}
