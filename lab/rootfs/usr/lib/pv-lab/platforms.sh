# pv-ipam-tests APPENGINE LAB - platforms.sh: platform start/stop, refusals, teardown and the lab "LXC" containers
# Sourced by the lab's /usr/bin/pantavisor (a simulator, NOT Pantavisor); it uses the globals and
# helpers that script and the other modules define. Shares no code with the toolkit.
# shellcheck shell=bash

# non-comment config lines, leading blanks trimmed
conf_lines() { sed -e 's/^[[:space:]]*//' -e '/^#/d' -e '/^$/d' -e 's/\r$//' "$1" 2>/dev/null; }

# ---------------------------------------------------------------- "LXC" (lab containers)
rand_alnum() { # N
	local chars=abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 s="" i
	for ((i = 0; i < $1; i++)); do s+=${chars:RANDOM%62:1}; done
	printf '%s' "$s"
}
rand_mac() { # PREFIX-BYTE
	printf '%s:%02x:%02x:%02x:%02x:%02x' "$1" $((RANDOM % 256)) $((RANDOM % 256)) $((RANDOM % 256)) $((RANDOM % 256)) $((RANDOM % 256))
}

conf_value() { # FILE KEY -> last value
	conf_lines "$1" | sed -n "s/^$(printf '%s' "$2" | sed 's/\./\\./g')[[:space:]]*=[[:space:]]*//p" | tail -n 1 | sed 's/[[:space:]]*$//'
}

# decide the lab container's network from the pantavisor network (pool) or the baked config.
# sets NET_KIND (veth|empty|host) NET_LINK NET_IP NET_GW NET_MAC NET_NAME HOSTN
lxc_plan_network() {
	local p=$1 conf=${P_CONF[$1]} keep
	NET_KIND="" NET_LINK="" NET_IP="" NET_GW="" NET_MAC="" NET_NAME=eth0
	HOSTN=$(conf_value "$conf" lxc.uts.name)
	[ -n "$HOSTN" ] || HOSTN=$p
	if [ -n "${P_IP[$p]:-}" ]; then
		NET_KIND=veth NET_LINK=${P_BR[$p]} NET_IP=${P_IP[$p]} NET_GW=${P_GW[$p]} NET_MAC=${P_MAC[$p]}
		[ -n "${P_HOST[$p]:-}" ] && HOSTN=${P_HOST[$p]}
		return 0
	fi
	local t
	t=$(conf_value "$conf" lxc.net.0.type)
	case "$t" in
	veth)
		NET_KIND=veth
		NET_LINK=$(conf_value "$conf" lxc.net.0.link)
		NET_IP=$(conf_value "$conf" lxc.net.0.ipv4.address)
		NET_GW=$(conf_value "$conf" lxc.net.0.ipv4.gateway)
		NET_MAC=$(conf_value "$conf" lxc.net.0.hwaddr)
		local nm
		nm=$(conf_value "$conf" lxc.net.0.name)
		[ -n "$nm" ] && NET_NAME=$nm
		[ -n "$NET_MAC" ] || NET_MAC=$(rand_mac 00:16:3e | cut -d: -f1-6)
		if [ "$NET_GW" = auto ] && [ -n "$NET_LINK" ]; then
			NET_GW=$("$IPR" -4 -o addr show dev "$NET_LINK" 2>/dev/null | awk '{print $4; exit}')
			NET_GW=${NET_GW%%/*}
		fi
		;;
	"" | none)
		keep=$(conf_lines "$conf" | sed -n 's/^lxc\.namespace\.keep[[:space:]]*=//p' | tr '\n' ' ')
		if [ -z "$t" ] && [[ " $keep " == *" net "* ]]; then NET_KIND=host; else NET_KIND=empty; fi
		;;
	*) NET_KIND=empty ;; # phys/macvlan/...: not emulated, the container gets only lo
	esac
}

lxc_save_config() { # NAME
	local p=$1 conf=${P_CONF[$1]} d=$LXC_PATH/$1 keep k
	mkdir -p "$d"
	{
		echo "# pv-ipam-tests APPENGINE LAB: container config saved by the lab (not LXC)"
		conf_lines "$conf" | grep -v '^lxc\.namespace\.keep'
		echo "lxc.rootfs.mount = /usr/lib/lxc/rootfs"
		echo "lxc.log.level = 2"
		if [ -n "${P_IP[$p]:-}" ]; then
			[ -n "${P_HOST[$p]:-}" ] && echo "lxc.uts.name = ${P_HOST[$p]}"
			echo "lxc.net.0.type = veth"
			echo "lxc.net.0.link = ${P_BR[$p]}"
			echo "lxc.net.0.name = eth0"
			echo "lxc.net.0.ipv4.address = ${P_IP[$p]}"
			echo "lxc.net.0.ipv4.gateway = ${P_GW[$p]}"
			[ -n "${P_MAC[$p]}" ] && echo "lxc.net.0.hwaddr = ${P_MAC[$p]}"
			echo "lxc.net.0.flags = up"
		fi
		keep=$(conf_lines "$conf" | sed -n 's/^lxc\.namespace\.keep[[:space:]]*=//p' | tr '\n' ' ')
		for k in $keep; do
			[ -n "${P_IP[$p]:-}" ] && [ "$k" = net ] && continue
			echo "lxc.namespace.keep = $k"
		done
	} >"$d/config"
}

# start the lab container: a process in new uts/ipc (and net) namespaces + a veth to the bridge
lxc_start() { # NAME -> 0 ok (sets ADOPTED[NAME]=1 when the container was already running)
	local p=$1 pid ns_opts="-u -i" hv err cl="$LOGDIR_BASE/$REV/$1/lxc"
	lxc_plan_network "$p"
	[ "$NET_KIND" = host ] || ns_opts="-n -u -i"
	mkdir -p "$cl" "$LAB_CONT/$p"
	: >>"$cl/lxc.log"
	unset "ADOPTED[$p]"
	if pid=$(lab_cont_pid "$p"); then
		lxc_adopt "$p" "$pid"
		return 0
	fi
	rm -f "$LAB_CONT/$p/pid"
	# shellcheck disable=SC2086
	# placeholder workload: the example servers answer HTTP on :8080, everything else idles
	local initcmd work='exec /bin/busybox sleep 2147483647'
	initcmd=$(conf_value "${P_CONF[$p]}" lxc.init.cmd)
	case "${initcmd##*/}" in
	pv-net-server*) work='exec /bin/busybox httpd -f -p 8080 -h /usr/lib/pv-lab/www' ;;
	esac
	"$BB" unshare $ns_opts -- /bin/sh -c 'hostname "$1" 2>/dev/null; echo "pv-ipam-tests lab: container $2 started (placeholder for ${4:-its init}, hostname $1)"; eval "$3"' \
		lab-init "$HOSTN" "$p" "$work" "$initcmd" </dev/null >>"$cl/console.log" 2>&1 {LOGFD}>&- {CTLFD}>&- {APPFD}>&- &
	pid=$!
	local i me
	me=$(readlink /proc/self/ns/net)
	for ((i = 0; i < 200; i++)); do
		if [ "$NET_KIND" = host ]; then
			[ "$(readlink "/proc/$pid/ns/uts" 2>/dev/null)" != "$(readlink /proc/self/ns/uts)" ] && break
		else
			local theirs
			theirs=$(readlink "/proc/$pid/ns/net" 2>/dev/null) || break
			[ "$theirs" != "$me" ] && break
		fi
		sleep 0.01
	done
	if ! [ -d "/proc/$pid" ]; then
		L ERROR pv_lxc pv_start_container:790 "failed to start container '$p'"
		return 1
	fi
	echo "$pid" >"$LAB_CONT/$p/pid"
	P_PID[$p]=$pid
	nsx() { "$BB" nsenter -t "$pid" -n -- "$@"; }
	if [ "$NET_KIND" != host ]; then
		nsx /bin/sh -c 'echo 1 > /proc/sys/net/ipv6/conf/all/disable_ipv6; echo 1 > /proc/sys/net/ipv6/conf/default/disable_ipv6' >/dev/null 2>&1
		nsx "$IPR" link set lo up 2>/dev/null
	fi
	if [ "$NET_KIND" = veth ]; then
		if [ -z "$NET_LINK" ] || ! "$IPR" link show dev "$NET_LINK" >/dev/null 2>&1; then
			echo "lab: network link '$NET_LINK' does not exist" >>"$cl/lxc.log"
			L ERROR pv_lxc pv_start_container:845 "failed to start container '$p': network link '$NET_LINK' not found"
			kill -9 "$pid" 2>/dev/null
			rm -f "$LAB_CONT/$p/pid"
			return 1
		fi
		hv=veth$(rand_alnum 6)
		local macopt=()
		[ -n "$NET_MAC" ] && macopt=(address "$NET_MAC")
		if ! err=$("$IPR" link add name "$hv" address "$(rand_mac fe)" type veth peer name "$NET_NAME" "${macopt[@]}" netns "$pid" 2>&1); then
			echo "lab: veth: $err" >>"$cl/lxc.log"
			L ERROR pv_lxc pv_start_container:845 "failed to start container '$p': $err"
			kill -9 "$pid" 2>/dev/null
			rm -f "$LAB_CONT/$p/pid"
			return 1
		fi
		"$IPR" link set dev "$hv" master "$NET_LINK" up
		echo "$hv" >"$LAB_CONT/$p/veth"
		local addr=$NET_IP
		[[ $addr == */* ]] || addr="$addr/$(classful_prefix "$addr")"
		nsx "$IPR" addr add "$addr" brd + dev "$NET_NAME" 2>>"$cl/lxc.log"
		nsx "$IPR" link set dev "$NET_NAME" up 2>>"$cl/lxc.log"
		if [ -n "$NET_GW" ] && [ "$NET_GW" != auto ]; then
			nsx "$IPR" route add default via "$NET_GW" dev "$NET_NAME" 2>>"$cl/lxc.log" ||
				nsx "$IPR" route add default via "$NET_GW" dev "$NET_NAME" onlink 2>>"$cl/lxc.log"
		fi
	fi
	return 0
}

lxc_stop() { # NAME
	local p=$1 pid
	if pid=$(lab_cont_pid "$p"); then
		kill -9 "$pid" 2>/dev/null
		local i
		# an adopted container's init is not our child: once killed it may stay a zombie
		for ((i = 0; i < 100; i++)); do lab_cont_pid "$p" >/dev/null || break; sleep 0.02; done
	fi
	if [ -f "$LAB_CONT/$p/veth" ]; then
		"$IPR" link del dev "$(cat "$LAB_CONT/$p/veth")" >/dev/null 2>&1
		rm -f "$LAB_CONT/$p/veth"
	fi
	rm -f "$LAB_CONT/$p/pid"
	unset "P_PID[$p]"
	loop_detach "$p"
}

# lxc_adopt NAME PID: the container survived the pantavisor that started it (killed outright) and
# is still running. Like LXC, the new start attempt finds it running: LXC's complaint goes to
# pantavisor's stdio (pv-appengine's output) and the container keeps its pid, netns and veth.
lxc_adopt() {
	local p=$1 pid=$2 cur
	appengine_out "init: $p: ../src/lxc/commands.c: lxc_server_init: 2120 Container \"$p\" appears to be already running"
	appengine_out "init: $p: ../src/lxc/start.c: lxc_init_handler: Failed to set up command socket"
	P_PID[$p]=$pid
	ADOPTED[$p]=1
	# defect 'relaunch-new-ips': the adopted container is re-addressed to its new allocation
	if fault relaunch-new-ips && [ "$NET_KIND" = veth ] && [ -n "$NET_IP" ]; then
		local addr=$NET_IP
		[[ $addr == */* ]] || addr="$addr/$(classful_prefix "$addr")"
		cur=$("$BB" nsenter -t "$pid" -n -- "$IPR" -4 -o addr show dev "$NET_NAME" 2>/dev/null | awk '{ print $4; exit }')
		if [ "$cur" != "$addr" ]; then
			"$BB" nsenter -t "$pid" -n -- "$IPR" addr flush dev "$NET_NAME" 2>/dev/null
			"$BB" nsenter -t "$pid" -n -- "$IPR" addr add "$addr" brd + dev "$NET_NAME" 2>/dev/null
			[ -n "$NET_GW" ] && [ "$NET_GW" != auto ] &&
				"$BB" nsenter -t "$pid" -n -- "$IPR" route replace default via "$NET_GW" dev "$NET_NAME" onlink 2>/dev/null
		fi
	fi
}

# a line on pantavisor's inherited stdio (pv-appengine's output); never fatal (closed pipe)
appengine_out() {
	( trap '' PIPE; printf '%s\n' "$1" >&"$APPFD" ) 2>/dev/null
	return 0
}

# ---- loop devices: the root.squashfs "mount" of a platform attaches a real loop device to
# trails/0/<name>/root.squashfs; pantavisor detaches it when it stops the platform. A SIGKILL of
# everything (docker rm -f) leaves it attached on the host, as on the real appengine.
loop_backing() { # /dev/loopN -> backing file (empty when detached)
	local n=${1#/dev/loop}
	cat "/sys/block/loop$n/loop/backing_file" 2>/dev/null
}

loop_attach() { # NAME
	local p=$1 img=$TRAIL/$1/root.squashfs f=$LAB_CONT/$1/loop dev n try
	[ -c /dev/loop-control ] || return 0
	[ -f "$img" ] || return 0
	mkdir -p "$LAB_CONT/$p"
	# still attached by an earlier launch (an adopted container): keep it
	if [ -f "$f" ] && read -r dev <"$f" && [ "$(loop_backing "$dev")" = "$img" ]; then
		return 0
	fi
	rm -f "$f"
	for try in 1 2 3 4 5; do
		dev=$("$BB" losetup -f 2>/dev/null) || return 0
		n=${dev#/dev/loop}
		[[ $n =~ ^[0-9]+$ ]] || return 0
		[ -b "$dev" ] || mknod "$dev" b 7 "$n" 2>/dev/null
		if "$BB" losetup "$dev" "$img" 2>/dev/null; then
			echo "$dev" >"$f"
			return 0
		fi
	done
	return 0
}

# loop_leak NAME: the platform's loop device stays attached but is no longer its own (the next
# mount attaches a new one). Observed on the real appengine (test/fixtures/real-updates):
# a platform refused after its root.squashfs was mounted keeps that loop device through the
# teardown and the relaunch (each boot cycle one more), and every auto-recovery restart mounts
# a new loop device while the crashed run's one stays attached.
loop_leak() { # NAME
	local f=$LAB_CONT/$1/loop
	[ -f "$f" ] || return 0
	cat "$f" >>"$LAB_RUN/leaked-loops" 2>/dev/null
	rm -f "$f"
}

loop_detach() { # NAME
	local f=$LAB_CONT/$1/loop dev
	[ -f "$f" ] || return 0
	read -r dev <"$f"
	[ -n "$dev" ] && "$BB" losetup -d "$dev" 2>/dev/null
	rm -f "$f"
}

# ---------------------------------------------------------------- platforms
# pv_platform_start; returns non-zero when the platform refuses to start
platform_start() {
	local p=$1 pool ip mac g=${P_GROUP[$1]}
	if [ -z "$g" ] || [ -z "${GROUP_GOAL[$g]:-}" ]; then
		L ERROR platforms pv_platform_start:1154 "platform '$p' does not belong to any group"
		return 1
	fi
	# backend pre-start validation (pv_lxc validate_config)
	if [ "${P_NET[$p]}" = pool ] && ! fault accept-baked-net; then
		if conf_lines "${P_CONF[$p]}" | grep -q '^lxc\.net\.'; then
			L ERROR pv_lxc pv_validate_container_config:287 "platform '$p' declares an IPAM pool but its lxc.container.conf already contains lxc.net.* entries — pantavisor will not overwrite them. Remove the baked lxc.net.* config, or drop the PV_NETWORK_POOL reference."
			L ERROR platforms pv_platform_start:1209 "platform '$p' refused by backend pre-start validation"
			return 1
		fi
	fi
	L DEBUG platforms pv_platform_start:1225 "setting status goal timer of $GOAL_TIMEOUT secs for platform '$p'"
	P_IP[$p]="" P_MAC[$p]="" P_BR[$p]="" P_GW[$p]=""
	if [ "${P_NET[$p]}" = pool ] && [ -n "${P_POOL[$p]}" ]; then
		pool=${P_POOL[$p]}
		if [ -z "${POOL_TYPE[$pool]:-}" ]; then
			if fault accept-unknown-pool; then
				pool="" # defect: the unknown pool is ignored and the platform starts without IPAM
			else
				L ERROR platforms pv_platform_start:1242 "platform '$p' references unknown pool '$pool', refusing to start"
				ipam_error "$p"
				return 1
			fi
		fi
		if [ -n "$pool" ]; then
			if [ "${POOL_TYPE[$pool]}" != bridge ]; then
				# pv_platform_start does strdup(pool->bridge) on a NULL bridge for macvlan pools
				L DEBUG platforms pv_platform_start:1271 "lab: macvlan pool '$pool' has no bridge; emulating the crash"
				kill -SEGV $$
			fi
			if [ -n "${P_SIP[$p]}" ] && ! fault ignore-static-ip; then
				if ipam_reserve "$pool" "$p" "${P_SIP[$p]}"; then
					ip=${P_SIP[$p]}
					L DEBUG platforms pv_platform_start:1255 "platform '$p' using static IP $ip"
				else
					L ERROR platforms pv_platform_start:1259 "failed to reserve static IP ${P_SIP[$p]} for platform '$p' (already in use or outside subnet), refusing to start"
					ipam_error "$p"
					return 1
				fi
			else
				if ! ipam_allocate "$pool" "$p"; then
					L ERROR platforms pv_platform_start:1268 "failed to allocate IP for platform '$p' from pool '$pool' (pool exhausted), refusing to start"
					ipam_error "$p"
					return 1
				fi
				ip=$ALLOC
			fi
			if [ -n "${P_SMAC[$p]}" ]; then
				mac=${P_SMAC[$p]}
			else
				mac=$(ip2mac "$(int2ip "${LEASE[$pool|$p]}")")
			fi
			P_IP[$p]=$ip P_MAC[$p]=$mac P_BR[$p]=${POOL_BR[$pool]} P_GW[$p]=${POOL_GW[$pool]}
			L INFO platforms pv_platform_start:1292 "platform '$p' IP $ip MAC ${mac:-auto} on bridge ${POOL_BR[$pool]}"
		fi
	fi
	L DEBUG platforms pv_platform_start:1299 "starting platform '$p'"
	lxc_save_config "$p"
	L DEBUG pv_lxc pv_start_container:754 "starting LXC container '$p'"
	set_status "$p" STARTING
	PENDING+=("$p")
	return 0
}

ipam_error() { # NAME
	local p=$1
	[ "${P_NET[$p]}" = pool ] && [ -n "${P_POOL[$p]}" ] && ipam_release "${P_POOL[$p]}" "$p"
	L ERROR platforms pv_platform_start:1314 "platform '$p' failed IPAM network validation, triggering rollback if in try-boot"
	L DEBUG platforms pv_platform_stop_loggers:1340 "stopping loggers attached to platform $p"
	# observed (a restart refused after the revision had been READY): the state goes back to
	# READY between the refusal and 'could not be started'; not seen on a first boot
	if [ "$EVER_READY" = 1 ]; then
		[ -n "${P_GROUP[$p]:-}" ] && GROUP_STATUS[${P_GROUP[$p]}]=READY
		set_state_status READY
	fi
}

# the forked LXC side of pending starts: network setup lines, then STARTED. After a refusal
# (run_pending 1) the forked containers do start, but the teardown comes before their start is
# reported: they stay STARTING.
run_pending() {
	local p pid failed=${1:-0}
	for p in "${PENDING[@]}"; do
		L DEBUG pv_lxc pv_setup_lxc_container:481 "checking lxc.rootfs.mount for auto creation 1 $p"
	done
	for p in "${PENDING[@]}"; do
		if [ -n "${P_IP[$p]:-}" ]; then
			[ -n "${P_HOST[$p]:-}" ] && L DEBUG pv_lxc pv_setup_lxc_network:377 "set container hostname to '${P_HOST[$p]}'"
			L INFO pv_lxc pv_setup_lxc_network:423 "configured net.0: type=veth link=${P_BR[$p]} ip=${P_IP[$p]} gw=${P_GW[$p]:-none}"
			L DEBUG pv_lxc pv_setup_lxc_network:459 "updated lxc.namespace.keep (removed 'net')"
		fi
	done
	for p in "${PENDING[@]}"; do
		if lxc_start "$p"; then
			[ "$failed" = 1 ] && continue
			pid=${P_PID[$p]}
			L DEBUG pv_lxc pv_start_container:857 "started LXC container '$p' with pid $pid"
			if [ -n "${ADOPTED[$p]:-}" ]; then
				# LXC found it running: no console log fd comes back through the pipe
				L WARN platforms _read_platform_pipefd_cb:1133 "could not get a valid console log fd for $p"
			else
				L DEBUG platforms _read_platform_pipefd_cb:1140 "started platform '$p' with pid $pid"
			fi
			set_status "$p" STARTED "platform '$p' reached its status goal; took 1 secs; $((GOAL_TIMEOUT - 1)) secs till timeout (of $GOAL_TIMEOUT)"
			AR_LAST_START[$p]=$(uptime_s)
			if [ "${AR_STABLE[$p]:-0}" -gt 0 ] && [ -z "${AR_STABLE_AT[$p]:-}" ]; then
				AR_STABLE_AT[$p]=$(($(now_ms) + AR_STABLE[$p] * 1000))
			fi
		else
			L WARN platforms _read_platform_pipefd_cb:1119 "could not start platform '$p'"
			set_status "$p" STOPPED
			L ERROR state pv_state_run:918 "platform '$p' is not running"
			FAILED_CHILD=1
		fi
	done
	PENDING=()
}

# pv_state_run: start every INSTALLED platform whose goal is STARTED (stops at the first error)
state_run() {
	local p rc=0
	FAILED_CHILD=0
	for p in "${ORDER[@]}"; do
		[ "${P_STATUS[$p]}" = INSTALLED ] || continue
		[ "${P_USERSTOP[$p]}" = true ] && continue
		[ "${P_GOAL[$p]}" = STARTED ] || [ "${P_GOAL[$p]}" = READY ] || continue
		L DEBUG state pv_state_run:849 "platform '$p' from group '${P_GROUP[$p]}' can be started now"
		L DEBUG volumes pv_volume_mount:275 "mounting 'root.squashfs' from platform '$p'"
		loop_attach "$p"
		L DEBUG volumes pv_volume_mount:412 "mounted '$TRAIL/$p/root.squashfs' (LOOP_IMG) at '/volumes/$p/root.squashfs'"
		set_status "$p" MOUNTED
		L DEBUG platforms pv_platform_load_drivers:1007 "no drivers for platform '$p'"
		if ! platform_start "$p"; then
			L ERROR state pv_state_start_platform:656 "platform $p could not be started"
			rc=1
			break
		fi
	done
	# containers already forked before the failure do start (and are stopped by the teardown)
	[ ${#PENDING[@]} -gt 0 ] && run_pending "$rc"
	[ "$FAILED_CHILD" = 1 ] && rc=1
	return $rc
}

stop_all() { # pv_state_stop_lenient + pv_state_stop_force
	local p run=()
	L DEBUG state pv_state_stop_lenient:1030 "leniently stopping state $REV"
	for p in "${ORDER[@]}"; do
		case "${P_STATUS[$p]}" in
		STARTING | STARTED | READY | STOPPING)
			run+=("$p")
			[ "${P_STATUS[$p]}" = STOPPING ] && continue
			L DEBUG platforms pv_platform_stop_loggers:1340 "stopping loggers attached to platform $p"
			L DEBUG platforms pv_platform_stop:1428 "leniently stopping platform '$p'"
			set_status "$p" STOPPING
			;;
		esac
	done
	# the lab init ignores the lenient shutdown signal like a PID-1 sleep does (observed §13: a
	# teardown's containers stay RUNNING until the force stop ~5 s later)
	[ ${#run[@]} -gt 0 ] && "$BB" sleep "${LAB_STOP_DELAY:-5}"
	for p in "${run[@]}"; do
		L WARN state pv_state_run:884 "platform '$p' did not exit after lenient stop, force stopping"
		L DEBUG platforms pv_platform_force_stop:1454 "force stopping platform '$p'"
		lxc_stop "$p"
		unset "P_STOP_DEADLINE[$p]"
		set_status "$p" STOPPED
	done
	# volumes of platforms that were mounted but never ran (refused) stay mounted: their loop
	# devices stay attached (observed, see loop_leak)
	for p in "${ORDER[@]}"; do loop_leak "$p"; done
}

shutdown_pv() { # TRANSITION(reboot|poweroff)
	local t=$1
	SHUTTING_DOWN=1
	# pvcontrol calls meanwhile time out after 5 s, exit 255 (the real pv-ctrl does not answer)
	: >"$LAB_RUN/shutting-down"
	L INFO controller pv_shutdown:791 "preparing '$t'..."
	L INFO controller pv_shutdown:793 "will not actually perform '$t' as we are in appengine mode"
	stop_all
	L DEBUG ctrl - "server stopped"
	L DEBUG logserver - "stopping logserver service with PID $LOGSERVER_PID..."
	L DEBUG logserver - "exit command received"
	L DEBUG logserver - "updating log rotation status (size: 2147483647)"
	rm -f "$LAB_CTRL_FIFO" "$LAB_PV_PIDFILE"
	local id
	for id in "${!PENDING_RESP[@]}"; do respond "$id" 500 '{"Error":"Pantavisor is shutting down"}'; done
}

teardown_reboot() {
	L ERROR controller _pv_wait:502 "a platform did not work as expected. Tearing down..."
	if update_active; then
		# an update INPROGRESS or TESTING fails: ERROR, rollback to the last DONE revision
		update_failed
	else
		L DEBUG controller _pv_run_state_cb:993 "next state: 'STATE_REBOOT'"
	fi
	shutdown_pv reboot
	exit 0
}

check_containers() {
	local p
	for p in "${ORDER[@]}"; do
		case "${P_STATUS[$p]}" in
		STARTED) ;;
		RECOVERING) recovery_timer "$p"; continue ;;
		*) continue ;;
		esac
		if lab_cont_pid "$p" >/dev/null; then
			track_stability "$p"
			continue
		fi
		# with an auto_recovery policy the crashed run's loop device stays attached (loop_leak)
		case "${AR_POLICY[$p]:-no}" in on-failure | always) fault recovery-teardown || loop_leak "$p" ;; esac
		lxc_stop "$p"
		set_status "$p" STOPPED
		# a platform with an auto_recovery policy in its run.json is restarted on its own
		auto_recovery "$p" && continue
		# without one (the examples configure none) the revision is torn down (observed)
		L ERROR state pv_state_run:868 "platform '$p' suddenly stopped"
		echo "$p" >>"$LAB_RECOVERED"
		teardown_reboot
	done
}

# ---------------------------------------------------------------- auto-recovery (run.json auto_recovery)
# pv_state_check_auto_recovery: returns 0 when the stopped platform is taken care of (retry
# scheduled, or left stopped), 1 when it counts as 'suddenly stopped'
auto_recovery() { # NAME
	local p=$1 pol=${AR_POLICY[$1]:-no} max retries delay now b secs
	case "$pol" in on-failure | always) ;; *) return 1 ;; esac
	# defect 'recovery-teardown': the policy is ignored, the revision is torn down
	fault recovery-teardown && return 1
	now=$(uptime_s)
	if [ "${AR_RESET[$p]:-0}" -gt 0 ] && [ -n "${AR_LAST_START[$p]:-}" ] && ((now - AR_LAST_START[$p] > AR_RESET[$p])); then
		AR_RETRIES[$p]=0
	fi
	max=${AR_MAX[$p]:-0} retries=${AR_RETRIES[$p]:-0}
	if ((max > 0 && retries >= max)); then
		L WARN state pv_state_check_auto_recovery:754 "platform '$p' reached max retries ($max)."
		if update_active; then
			L WARN state pv_state_check_auto_recovery:760 "during update — will trigger rollback"
			return 1
		fi
		b=${AR_BACKOFF[$p]:-reboot}
		case "$b" in
		reboot)
			# defect 'recovery-never-reboots': the container is left stopped, nothing else happens
			if fault recovery-never-reboots; then AR_FAILED[$p]=1; return 0; fi
			L WARN state pv_state_check_auto_recovery:768 "backoff_policy=reboot — triggering reboot"
			return 1
			;;
		never)
			L WARN state pv_state_check_auto_recovery:773 "backoff_policy=never — leaving '$p' stopped"
			AR_FAILED[$p]=1
			return 0
			;;
		*)
			secs=0
			case "$b" in
			*min) secs=$((${b%min} * 60)) ;; *h) secs=$((${b%h} * 3600)) ;; *s) secs=${b%s} ;; *) secs=$b ;;
			esac
			[[ $secs =~ ^[0-9]+$ ]] || secs=0
			L WARN state pv_state_check_auto_recovery:780 "backoff_policy=${b} — scheduling retry cycle reset"
			AR_RETRIES[$p]=0
			AR_DEADLINE[$p]=$(($(now_ms) + secs * 1000))
			set_status "$p" RECOVERING
			return 0
			;;
		esac
	fi
	retries=$((retries + 1))
	AR_RETRIES[$p]=$retries
	delay=${AR_DELAY[$p]:-0}
	[[ $delay =~ ^[0-9]+$ ]] || delay=0
	if ((retries > 1)); then
		delay=$(awk -v d="$delay" -v f="${AR_FACTOR[$p]:-0}" -v n="$retries" 'BEGIN { x = 1.0; if (f > 1.0) for (i = 0; i < n - 1; i++) x *= f; printf "%d", d * x }')
	fi
	L INFO state pv_state_check_auto_recovery:805 "platform '$p' crashed. Attempting auto-recovery (attempt $retries/$max) in $delay seconds..."
	# defect 'recovery-no-delay': the retry delay is not waited for (no RECOVERING status)
	if ((delay > 0)) && ! fault recovery-no-delay; then
		AR_DEADLINE[$p]=$(($(now_ms) + delay * 1000))
		set_status "$p" RECOVERING
	else
		recovery_restart "$p"
	fi
	return 0
}

recovery_timer() { # NAME: a RECOVERING platform whose retry delay is over is started again
	local p=$1
	# (checked at the 2-s ticks: a deadline within the next 0.2 s counts as reached)
	(($(now_ms) + 200 >= ${AR_DEADLINE[$p]:-0})) || return 0
	L INFO state pv_state_run:894 "recovery timer finished for platform '$p'. Restarting..."
	recovery_restart "$p"
}

recovery_restart() { # NAME
	local p=$1
	# defect 'recovery-new-ip' (also for a policy's restart): the lease is dropped, a new address comes
	if fault recovery-new-ip && [ -n "${P_POOL[$p]:-}" ]; then drop_lease "${P_POOL[$p]}" "$p"; fi
	set_status "$p" INSTALLED
	WAKE=1
}

# pv_platform_track_stability: a container with a stable_timeout is STABLE once it ran that long
track_stability() { # NAME
	local p=$1
	[ "${AR_STABLE[$p]:-0}" -gt 0 ] || return 0
	[ "${AR_ISSTABLE[$p]:-false}" = true ] && return 0
	[ -n "${AR_STABLE_AT[$p]:-}" ] || return 0
	(($(now_ms) >= AR_STABLE_AT[$p])) || return 0
	L INFO platforms pv_platform_track_stability:203 "platform '$p' is now STABLE (survived ${AR_STABLE[$p]} seconds)"
	AR_ISSTABLE[$p]=true
}

on_term() {
	[ "$SHUTTING_DOWN" = 1 ] && exit 0
	L INFO controller pv_shutdown:791 "preparing 'poweroff'..."
	L INFO controller pv_shutdown:793 "will not actually perform 'poweroff' as we are in appengine mode"
	SHUTTING_DOWN=1
	stop_all
	L DEBUG logserver - "exit command received"
	rm -f "$LAB_CTRL_FIFO" "$LAB_PV_PIDFILE"
	exit 0
}
