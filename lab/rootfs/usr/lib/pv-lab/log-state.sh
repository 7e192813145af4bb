# pv-ipam-tests APPENGINE LAB - log-state.sh: the pantavisor.log writer and the platform/group/state status machine
# Sourced by the lab's /usr/bin/pantavisor (a simulator, NOT Pantavisor); it uses the globals and
# helpers that script and the other modules define. Shares no code with the toolkit.
# shellcheck shell=bash

declare -A LVLNUM=([FATAL]=0 [ERROR]=1 [WARN]=2 [INFO]=3 [DEBUG]=4 [TRACE]=5)

# L LEVEL MODULE WHERE MESSAGE   (WHERE = "func:line", or "-" for modules that print no prefix)
L() {
	local lvl=$1 mod=$2 where=$3 msg=$4 up line n=${LVLNUM[$1]:-3}
	if ((n > LOG_LEVEL && n > 0)); then return 0; fi
	read -r up _ </proc/uptime
	up=${up%%.*}
	[ "$where" = - ] || msg="($where) $msg"
	if [[ $msg == *$'\n'* ]]; then
		while IFS= read -r line; do
			printf '[pantavisor] %s %s\t -- [%s]: %s\n' "$up" "$lvl" "$mod" "$line" >&"$LOGFD"
		done <<<"$msg"
	else
		printf '[pantavisor] %s %s\t -- [%s]: %s\n' "$up" "$lvl" "$mod" "$msg" >&"$LOGFD"
	fi
	# an update's ERROR lines also go to its update logs (update.sh)
	if ((n <= 1)) && [ -n "${UPD_LOGS:-}" ]; then update_log_error "$lvl" "$mod" "$msg" "$up"; fi
	return 0
}

now_ms() { local t=${EPOCHREALTIME/./}; echo $((10#$t / 1000)); }
# platform status enum order (plat_status_t)
status_rank() {
	case "$1" in
	INSTALLED) echo 1 ;; MOUNTED) echo 2 ;; BLOCKED) echo 3 ;; STARTING) echo 4 ;; STARTED) echo 5 ;;
	READY) echo 6 ;; RECOVERING) echo 7 ;; STOPPING) echo 8 ;; STOPPED) echo 9 ;; *) echo 0 ;;
	esac
}
rank_status() {
	case "$1" in
	1) echo INSTALLED ;; 2) echo MOUNTED ;; 3) echo BLOCKED ;; 4) echo STARTING ;; 5) echo STARTED ;;
	6) echo READY ;; 7) echo RECOVERING ;; 8) echo STOPPING ;; 9) echo STOPPED ;; *) echo NONE ;;
	esac
}

set_state_status() {
	[ "$STATE_STATUS" = "$1" ] && return 0
	STATE_STATUS=$1
	if [ "$1" = READY ]; then
		EVER_READY=1
		L DEBUG hooks - "set environment var PV_REV=$REV"
		L DEBUG hooks - "set environment var PV_OP=system-done"
		L DEBUG hooks - "set environment var PV_STATUS=DONE"
		L DEBUG hooks - "removing environment var PV_REV"
	fi
	L INFO state pv_state_set_status:556 "state revision '$REV' status is now $1"
	L DEBUG metadata pv_metadata_add_devmeta:756 "device metadata key pantavisor.status added or updated"
	L DEBUG storage pv_storage_save_devmeta:1195 "saving devmeta file with key pantavisor.status and value $1"
}

goal_achieved() { # NAME
	local st=${P_STATUS[$1]:-} goal=${P_GOAL[$1]:-STARTED}
	case "$goal" in
	MOUNTED) [ "$st" = MOUNTED ] ;;
	*) [ "$st" = STARTED ] || [ "$st" = READY ] ;;
	esac
}

# pv_group_eval_status: the lowest status among platforms that have not reached their goal
update_group() {
	local g=$1 p min=6 r new
	for p in "${ORDER[@]}"; do
		[ "${P_GROUP[$p]}" = "$g" ] || continue
		[ -n "${P_STATUS[$p]:-}" ] || continue
		goal_achieved "$p" && continue
		r=$(status_rank "${P_STATUS[$p]}")
		((r < min)) && min=$r
	done
	new=$(rank_status "$min")
	[ "${GROUP_STATUS[$g]:-}" = "$new" ] && return 0
	GROUP_STATUS[$g]=$new
	L INFO group pv_group_set_status:92 "group '$g' status is now $new"
	# pv_state_eval_status (the state is not attached yet while it is being parsed)
	[ "$STATE_LOADED" = 1 ] || return 0
	local gg smin=6
	for gg in "${!GROUP_STATUS[@]}"; do
		r=$(status_rank "${GROUP_STATUS[$gg]}")
		((r < smin)) && smin=$r
	done
	set_state_status "$(rank_status "$smin")"
}

set_status() { # NAME STATUS [LINE-LOGGED-BEFORE-THE-GROUP-UPDATE]
	P_STATUS[$1]=$2
	L INFO platforms pv_platform_set_status:238 "platform '$1' status is now $2"
	[ -n "${3:-}" ] && L INFO platforms pv_platform_on_status_goal_reached:166 "$3"
	[ -n "${P_GROUP[$1]}" ] && [ -n "${GROUP_GOAL[${P_GROUP[$1]}]:-}" ] && update_group "${P_GROUP[$1]}"
	return 0
}
