# pv-ipam-tests APPENGINE LAB - alloc.sh: address allocation, leases, static reservations and the reservation walk
# Sourced by the lab's /usr/bin/pantavisor (a simulator, NOT Pantavisor); it uses the globals and
# helpers that script and the other modules define. Shares no code with the toolkit.
# shellcheck shell=bash

in_pool_subnet() { # pool ipint
	local m=${POOL_MASK[$1]}
	(((($2 & m) == (POOL_NET[$1] & m))))
}

ip_available() { # pool ipint
	[ "$2" = "${POOL_GWI[$1]}" ] && return 1
	fault duplicate-ip && return 0
	[ -z "${LEASE_BY_IP[$1|$2]:-}" ]
}

add_lease() { # pool owner ipint
	LEASE[$1|$2]=$3
	LEASE_BY_IP[$1|$3]=$2
}

drop_lease() { # pool owner
	local ipi=${LEASE[$1|$2]:-}
	[ -n "$ipi" ] || return 1
	unset "LEASE[$1|$2]"
	[ "${LEASE_BY_IP[$1|$ipi]:-}" = "$2" ] && unset "LEASE_BY_IP[$1|$ipi]"
	return 0
}

# ipam_allocate POOL NAME -> sets ALLOC (CIDR)
ipam_allocate() {
	local pool=$1 name=$2 ipi max skip=0
	ALLOC=""
	if [ -z "${POOL_TYPE[$pool]:-}" ]; then L ERROR ipam pv_ipam_allocate:259 "pool '$pool' not found"; return 1; fi
	if [ -n "${LEASE[$pool|$name]:-}" ]; then
		if fault no-lease-reuse; then
			drop_lease "$pool" "$name"
		else
			ALLOC="$(int2ip "${LEASE[$pool|$name]}")/${POOL_PREFIX[$pool]}"
			L DEBUG ipam pv_ipam_allocate:273 "reusing existing lease for $name: $ALLOC"
			return 0
		fi
	fi
	# last usable host = broadcast - 1
	max=$(((POOL_NET[$pool] | (~POOL_MASK[$pool] & 0xffffffff)) - 1))
	# defect 'allocate-past-pool': the scan does not stop at the last usable host
	fault allocate-past-pool && max=$((0xfffffffe))
	# defect 'recovery-new-ip': a platform that 'suddenly stopped' before this launch skips the
	# address it would get again
	[ -n "${RECOVERED[$name]:-}" ] && skip=1
	ipi=${POOL_NEXT[$pool]}
	while ((ipi <= max)); do
		if ip_available "$pool" "$ipi"; then
			if ((skip > 0)); then
				skip=$((skip - 1))
				ipi=$((ipi + 1))
				continue
			fi
			add_lease "$pool" "$name" "$ipi"
			fault duplicate-ip || POOL_NEXT[$pool]=$((ipi + 1))
			ALLOC="$(int2ip "$ipi")/${POOL_PREFIX[$pool]}"
			L INFO ipam pv_ipam_allocate:309 "allocated $ALLOC to $name from pool $pool"
			return 0
		fi
		ipi=$((ipi + 1))
	done
	L ERROR ipam pv_ipam_allocate:316 "no available IPs in pool '$pool'"
	return 1
}

ipam_reserve() { # POOL NAME IP_CIDR
	local pool=$1 name=$2 cidr=$3 only ipi
	if [ -z "${POOL_TYPE[$pool]:-}" ]; then L ERROR ipam pv_ipam_reserve:331 "pool '$pool' not found"; return 1; fi
	only=${cidr%%/*}
	if ! ipi=$(ip2int "$only"); then L ERROR ipam pv_ipam_reserve:342 "invalid IP: $only"; return 1; fi
	# defect 'accept-out-of-subnet': the subnet check is skipped
	if ! in_pool_subnet "$pool" "$ipi" && ! fault accept-out-of-subnet; then
		L ERROR ipam pv_ipam_reserve:351 "IP $cidr not in pool '$pool' subnet"
		return 1
	fi
	if ! ip_available "$pool" "$ipi"; then
		if variant static-restart-fixed && [ "${LEASE_BY_IP[$pool|$ipi]:-}" = "$name" ]; then
			# variant: the platform's own lease (kept across a stop) is reused
			L DEBUG ipam pv_ipam_reserve:356 "reusing existing lease for $name: $cidr"
			return 0
		fi
		# defect 'collision-both-run': an address leased to another platform is reserved again
		if ! { fault collision-both-run && [ "$ipi" != "${POOL_GWI[$pool]}" ]; }; then
			L ERROR ipam pv_ipam_reserve:358 "IP $cidr already in use in pool '$pool'"
			return 1
		fi
	fi
	add_lease "$pool" "$name" "$ipi"
	L INFO ipam pv_ipam_reserve:374 "reserved $cidr for $name in pool $pool"
	return 0
}

ipam_reserve_static() { # IP SOURCE
	local ip=$1 src=$2 ipi pool match=""
	ipi=$(ip2int "$ip") || return 1
	for pool in "${POOLS[@]}"; do
		if in_pool_subnet "$pool" "$ipi"; then match=$pool; break; fi
	done
	if [ -z "$match" ]; then
		L DEBUG ipam pv_ipam_reserve_static:405 "static IP $ip (from $src) is outside any pool subnet — not reserving"
		return 1
	fi
	if [ "$ipi" = "${POOL_GWI[$match]}" ]; then
		L WARN ipam pv_ipam_reserve_static:414 "static IP $ip (from $src) clashes with pool '$match' gateway — not reserving"
		return 1
	fi
	if [ -n "${LEASE_BY_IP[$match|$ipi]:-}" ]; then
		L DEBUG ipam pv_ipam_reserve_static:426 "static IP $ip (from $src) already reserved in pool '$match' — skip"
		return 0
	fi
	add_lease "$match" "pv:static:$src" "$ipi"
	L INFO ipam pv_ipam_reserve_static:447 "reserved static IP $ip (from $src) in pool '$match'"
}

ipam_release() { # POOL NAME
	local ipi=${LEASE[$1|$2]:-}
	[ -n "$ipi" ] || return 0
	drop_lease "$1" "$2"
	L INFO ipam pv_ipam_release:468 "released $(int2ip "$ipi") from $2 in pool $1"
}

reserve_static_ips() {
	fault no-reservation && return 0
	local p line v
	for p in "${ORDER[@]}"; do
		[ "${P_TYPE[$p]}" = lxc ] || continue
		while IFS= read -r line; do
			[[ $line == lxc.net.* ]] || continue
			[[ ${line%%=*} == *.ipv4.address* ]] || continue
			[[ $line == *=* ]] || continue
			v=${line#*=}
			v=${v#"${v%%[![:space:]]*}"}
			v=${v%%[/[:space:]#]*}
			[ -n "$v" ] || continue
			case "${v,,}" in auto | dhcp) continue ;; esac
			ip2int "$v" >/dev/null || continue
			ipam_reserve_static "$v" "$p"
		done < <(conf_lines "${P_CONF[$p]}")
	done
}
