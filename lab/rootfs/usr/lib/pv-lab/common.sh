# pv-ipam-tests APPENGINE LAB - shared helpers for the lab's own scripts.
# Sourced by pv-appengine, pantavisor, pvtx, pvcontrol, pventer, lxc-ls, lxc-info.
# This is a simulator of the appengine's observable IPAM behaviour. It is NOT Pantavisor.
# shellcheck shell=bash

LAB_VERSION="pv-ipam-tests-lab-1"
LAB_LIB=/usr/lib/pv-lab
LAB_BIN=$LAB_LIB/bin
# iproute2 by absolute path: busybox sh prefers its own 'ip' applet.
IPR=$LAB_BIN/ip
# NAT backends are looked up on PATH (command -v) when NAT is set up, like Pantavisor does, so
# hiding them (mv "$(command -v nft)" ...) takes effect. IPTABLES is the lab-private link used
# only by the 'nat-iptables' fault.
IPTABLES=$LAB_BIN/iptables
BB=/bin/busybox

PV_STORAGE=/var/pantavisor/storage
PV_PVTXD=/usr/lib/pantavisor/pvtx.d
PV_SKEL=/usr/lib/pantavisor/skel
PV_CONFIG=/etc/pantavisor-appengine.config
PV_RUNDIR=/run/pantavisor/pv
LXC_PATH=${LXC_PATH:-/usr/var/lib/lxc}

# Lab runtime state (not part of the emulated appengine's interface).
LAB_RUN=/run/pv-lab
LAB_CTRL_FIFO=$LAB_RUN/ctrl.fifo
LAB_CTRL_DIR=$LAB_RUN/ctrl
LAB_PV_PIDFILE=$LAB_RUN/pantavisor.pid
LAB_CONT=$LAB_RUN/containers
# set by a teardown for a platform that 'suddenly stopped' (read by the next launch)
LAB_RECOVERED=$LAB_RUN/suddenly-stopped

# Faults (LAB_FAULTS): defects a toolkit check must catch. See lab/faults.md.
LAB_KNOWN_FAULTS="no-bridge duplicate-ip ignore-static-ip nat-every-pool no-nat nat-iptables no-lease-reuse accept-unknown-pool accept-baked-net no-reservation accept-out-of-subnet collision-both-run allocate-past-pool silent-no-backend iptables-no-masquerade isolation-no-rules recovery-new-ip relaunch-new-ips hang-boot hang-lxc-ls no-pgrep update-never-finishes update-no-rollback update-restarts-unchanged update-wrong-status stale-logs-current recovery-teardown recovery-no-delay recovery-never-reboots"
# Variants (LAB_VARIANTS): alternative builds of the simulated Pantavisor, not defects.
LAB_KNOWN_VARIANTS="isolation static-restart-fixed nat-idempotent pool-reparse-fixed nat-stale-removed"

# lab_names_check LIST KNOWN: prints the first name of the comma/space list LIST that is not in
# KNOWN and returns 1, or returns 0.
lab_names_check() {
	local f k ok
	local IFS=', '
	for f in $1; do
		[ -n "$f" ] || continue
		ok=0
		for k in $2; do [ "$f" = "$k" ] && ok=1; done
		if [ "$ok" = 0 ]; then
			printf '%s\n' "$f"
			return 1
		fi
	done
	return 0
}
lab_faults_check() { lab_names_check "${LAB_FAULTS:-}" "$LAB_KNOWN_FAULTS"; }
lab_variants_check() { lab_names_check "${LAB_VARIANTS:-}" "$LAB_KNOWN_VARIANTS"; }

_in_list() { # NAME LIST
	local IFS=', ' f
	for f in $2; do [ "$f" = "$1" ] && return 0; done
	return 1
}
# fault NAME: true when NAME is listed in LAB_FAULTS.
fault() { _in_list "$1" "${LAB_FAULTS:-}"; }
# variant NAME: true when NAME is listed in LAB_VARIANTS.
variant() { _in_list "$1" "${LAB_VARIANTS:-}"; }

# ---- IPv4 arithmetic (host order integers) ----
# ip2int A.B.C.D -> prints integer; returns 1 when not a dotted quad.
ip2int() {
	local ip=$1 a b c d
	[[ $ip =~ ^([0-9]{1,3})\.([0-9]{1,3})\.([0-9]{1,3})\.([0-9]{1,3})$ ]] || return 1
	a=$((10#${BASH_REMATCH[1]})) b=$((10#${BASH_REMATCH[2]})) c=$((10#${BASH_REMATCH[3]})) d=$((10#${BASH_REMATCH[4]}))
	((a < 256 && b < 256 && c < 256 && d < 256)) || return 1
	echo $(((a << 24) | (b << 16) | (c << 8) | d))
}

int2ip() {
	local n=$1
	echo "$(((n >> 24) & 255)).$(((n >> 16) & 255)).$(((n >> 8) & 255)).$((n & 255))"
}

prefix2mask() {
	local p=$1
	if ((p == 0)); then echo 0; else echo $(((0xffffffff << (32 - p)) & 0xffffffff)); fi
}

# classful prefix LXC derives for an address given without /N
classful_prefix() {
	local first=${1%%.*}
	if ((first < 128)); then echo 8; elif ((first < 192)); then echo 16; else echo 24; fi
}

# MAC derived from an IPv4 address like pv_ipam_generate_mac: 02:00:a:b:c:d
ip2mac() {
	local n
	n=$(ip2int "$1") || return 1
	printf '02:00:%02x:%02x:%02x:%02x\n' $(((n >> 24) & 255)) $(((n >> 16) & 255)) $(((n >> 8) & 255)) $((n & 255))
}

uptime_s() {
	local up
	read -r up _ </proc/uptime
	echo "${up%%.*}"
}

# pantavisor's own PID if the lab pantavisor is running, else nothing.
lab_pv_pid() {
	local pid
	[ -f "$LAB_PV_PIDFILE" ] || return 1
	read -r pid <"$LAB_PV_PIDFILE" || return 1
	[ -n "$pid" ] && [ -d "/proc/$pid" ] || return 1
	echo "$pid"
}

# container init PID if the lab container NAME is running.
lab_cont_pid() {
	local pid f=$LAB_CONT/$1/pid
	[ -f "$f" ] || return 1
	read -r pid <"$f" || return 1
	[ -n "$pid" ] && [ -d "/proc/$pid" ] || return 1
	# a zombie or a recycled pid does not count
	local st
	st=$(sed -n 's/^State:[[:space:]]*\(.\).*/\1/p' "/proc/$pid/status" 2>/dev/null)
	[ "$st" = Z ] && return 1
	echo "$pid"
}

# lab_ctrl_call VERB [ARG] [BODYFILE]: one request to the lab pantavisor's control FIFO (the
# lab's stand-in for the pv-ctrl socket). Sets LAB_CTRL_CODE (HTTP-like code, 000 when
# pantavisor is not running or does not answer) and LAB_CTRL_BODY; returns 0 for 200.
lab_ctrl_call() {
	local verb=$1 arg=${2:-} bodyfile=${3:-} pid id f resp waited=0
	LAB_CTRL_CODE=000 LAB_CTRL_BODY=""
	if ! pid=$(lab_pv_pid) || ! [ -p "$LAB_CTRL_FIFO" ]; then return 1; fi
	id="r$$.$RANDOM$RANDOM"
	f=$LAB_CTRL_DIR/$id.resp
	if [ -n "$bodyfile" ]; then cp "$bodyfile" "$LAB_CTRL_DIR/$id.body" || return 1; fi
	{ exec 4<>"$LAB_CTRL_FIFO"; } 2>/dev/null || return 1
	printf '%s %s %s\n' "$id" "$verb" "$arg" >&4
	exec 4>&-
	while ! [ -f "$f" ]; do
		sleep 0.05
		waited=$((waited + 1))
		if ((waited % 20 == 0)); then [ -d "/proc/$pid" ] || { rm -f "$LAB_CTRL_DIR/$id.body"; return 1; }; fi
		((waited > 4800)) && return 1
	done
	resp=$(cat "$f")
	rm -f "$f" "$LAB_CTRL_DIR/$id.body"
	LAB_CTRL_CODE=${resp%%$'\n'*}
	if [[ $resp == *$'\n'* ]]; then LAB_CTRL_BODY=${resp#*$'\n'}; fi
	[ "$LAB_CTRL_CODE" = 200 ]
}
