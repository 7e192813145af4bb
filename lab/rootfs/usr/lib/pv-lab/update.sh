# pv-ipam-tests APPENGINE LAB - update.sh: local updates (steps, pvcontrol cmd run), the update's
# progress, non-reboot and reboot transitions, TESTING -> UPDATED/DONE, ERROR -> rollback
# Sourced by the lab's /usr/bin/pantavisor (a simulator, NOT Pantavisor); it uses the globals and
# helpers that script and the other modules define. Shares no code with the toolkit.
# shellcheck shell=bash

UPD_REV=""        # the revision of the update in progress (pv->update)
UPD_STATUS=""     # its progress status
UPD_TRANSITION="" # reboot | nonreboot
UPD_COMMIT_AT=0   # commit timer deadline (ms)
UPD_LOGS=""       # the revision whose update logs collect the ERROR lines (logserver updated_rev)
PENDING_RUN=""    # a 'pvcontrol cmd run' waiting for the state machine
LOGS_PENDING=""   # a finished update whose logs go with its progress at the next tick
UPD_COMMIT_LEFT=0 # the commit countdown (seconds) that pv_wait_update logs
PENDING_RUN_COMMIT=0
COMMIT_DELAY=5    # PV_UPDATER_COMMIT_DELAY

rev_dir() { printf '%s/trails/%s' "$STORAGE" "$1"; }

# progress_set REV STATUS MESSAGE: the progress JSON, saved in trails/REV/.pv/progress and
# "reported" (a DEBUG line); the update's logs go with it once they are final (.pv/logs)
progress_set() {
	local rev=$1 st=$2 msg=$3 n json d
	d=$(rev_dir "$rev")/.pv
	case "$st" in
	NEW) n=0 ;; QUEUED) n=5 ;; DOWNLOADING) n=25 ;; INPROGRESS) n=50 ;; TESTING) n=75 ;; *) n=100 ;;
	esac
	mkdir -p "$d"
	if [ -f "$d/logs" ]; then
		json=$(jq -cn --arg s "$st" --arg m "$msg" --argjson p "$n" --rawfile l "$d/logs" '{"status": $s, "status-msg": $m, "progress": $p, "retries": 0, "logs": $l}')
	else
		json=$(jq -cn --arg s "$st" --arg m "$msg" --argjson p "$n" '{"status": $s, "status-msg": $m, "progress": $p, "retries": 0}')
	fi
	L DEBUG update - "report progress for rev '$rev': '$json'"
	printf '%s' "$json" >"$d/progress"
	[ "$rev" = "$UPD_REV" ] && UPD_STATUS=$st
	return 0
}
progress_status() { jq -r '.status // empty' "$(rev_dir "$1")/.pv/progress" 2>/dev/null; }

# ERROR lines logged while an update is tracked go to its update logs (JSON lines)
update_log_error() { # LEVEL MODULE MESSAGE TSEC
	[ -n "$UPD_LOGS" ] || return 0
	local d
	d=$(rev_dir "$UPD_LOGS")/.pv
	mkdir -p "$d" 2>/dev/null
	jq -cn --argjson t "$4" --arg l "$1" --arg s "$2" --arg m "$3" \
		'{"tsec": $t, "tnano": 0, "platform": "pantavisor", "lvl": $l, "src": $s, "msg": $m}' >>"$d/logs.tmp" 2>/dev/null
	return 0
}

# the bootloader environment (boot/uboot.txt)
boot_rev() { tr -d '\0' <"$STORAGE/boot/uboot.txt" 2>/dev/null | sed -n 's/.*pv_rev=\([^ ]*\).*/\1/p' | sed 's/pv_try=.*//'; }
write_boot() { # REV [TRY]
	if [ -n "${2:-}" ]; then
		printf 'pv_rev=%s\0pv_try=%s\0\0' "$1" "$2" >"$STORAGE/boot/uboot.txt"
	else
		# the real bootloader code clears pv_try by setting it empty: `pv_rev=X\0pv_try=\0`
		printf 'pv_rev=%s\0pv_try=\0\0' "$1" >"$STORAGE/boot/uboot.txt"
	fi
}

# pv_storage_set_active: trails/current and logs/current -> the running revision
set_active_links() {
	# defect 'stale-logs-current': the links keep naming the first revision that set them
	if fault stale-logs-current && [ -L "$LOGDIR_BASE/current" ]; then return 0; fi
	ln -sfn "$REV" "$STORAGE/trails/current" 2>/dev/null
	ln -sfn "$REV" "$LOGDIR_BASE/current" 2>/dev/null
	return 0
}

update_begin() { # REV TRANSITION
	UPD_REV=$1 UPD_TRANSITION=$2 UPD_STATUS="" UPD_COMMIT_AT=0 UPD_LOGS=$1
}
update_active() { [ -n "$UPD_REV" ] && { [ "$UPD_STATUS" = INPROGRESS ] || [ "$UPD_STATUS" = TESTING ]; }; }

# pv_update_finish: the update logs become final and go with the progress once more
update_finish() {
	local rev=$UPD_REV d st
	[ -n "$rev" ] || return 0
	d=$(rev_dir "$rev")/.pv
	st=$UPD_STATUS
	L DEBUG update - "finishing update"
	if { [ "$st" = ERROR ] || [ "$st" = WONTGO ]; } && [ "$TRYING" != 1 ]; then
		L INFO bootloader pv_bootloader_fail_update:247 "setting failed revision $rev not to be started after next reboot"
		write_boot "$(boot_rev)"
	fi
	L DEBUG logserver - "stopping logserver update with rev '$rev'"
	L DEBUG logserver - "stop update command received"
	UPD_LOGS=""
	UPD_REV="" UPD_STATUS="" UPD_TRANSITION=""
	# the update logs reach the progress about a second later (observed: UPDATED without the
	# logs key, then with it): deferred to the next tick unless pantavisor stops now
	if [ "${1:-}" = later ]; then
		LOGS_PENDING=$rev
	else
		update_logs_flush "$rev"
	fi
}

# the update's logs (logs.tmp, JSON lines) are appended to .pv/logs and go with the progress;
# appended: a reboot update flushes them before the reboot and again when it finishes
update_logs_flush() { # REV
	local rev=$1 d
	d=$(rev_dir "$rev")/.pv
	LOGS_PENDING=""
	if [ -f "$d/logs.tmp" ]; then
		cat "$d/logs.tmp" >>"$d/logs" && rm -f "$d/logs.tmp"
		progress_set "$rev" "$(jq -r '.status' "$d/progress")" "$(jq -r '.["status-msg"]' "$d/progress")"
	elif ! [ -f "$d/logs" ]; then
		L DEBUG logserver - "update logs in path '$d/logs' does not exist"
	fi
}

# the update failed (a platform did not work as expected while INPROGRESS or TESTING)
update_failed() {
	local rev=$UPD_REV
	progress_set "$rev" ERROR "A container could not be started"
	if fault update-no-rollback; then
		# defect: no rollback, the failed revision is kept as the one to boot
		L DEBUG controller _pv_run_state_cb:993 "next state: 'STATE_REBOOT'"
		: >"$(rev_dir "$rev")/.pv/done"
		write_boot "$rev"
		UPD_LOGS="" UPD_REV=""
		return 0
	fi
	L DEBUG controller _pv_run_state_cb:993 "next state: 'STATE_ROLLBACK'"
	L DEBUG controller _pv_run_state_cb:993 "next state: 'STATE_REBOOT'"
	update_finish
}

# the boot after a tried revision failed: pv_try still names it, pv_rev is the last DONE one
resume_after_rollback() { # TRIED
	local tried=$1 st
	st=$(progress_status "$tried")
	if [ "$st" = ERROR ] || [ "$st" = WONTGO ]; then
		L DEBUG update - "update_resume: trying=0 failed=1 done=0 factory=0"
		L DEBUG update - "coming from a rolled back revision"
	else
		L DEBUG update - "update_resume: trying=0 failed=0 done=0 factory=0"
		L WARN update - "booting up after a rollback with no error info from disk"
		progress_set "$tried" ERROR "Unexpected rollback"
	fi
	L DEBUG update - "finishing update"
	L INFO bootloader pv_bootloader_fail_update:247 "setting failed revision $tried not to be started after next reboot"
	write_boot "$REV"
}

# the parser adds the pools of every state it parses to the one IPAM registry: a state whose
# device.json names a pool that exists already logs an ERROR (the known issue of 303584a7)
reparse_pools() { # STATE_JSON
	local f=$1 n_name n_type n_br n_parent n_sub n_gw n_nat
	jq -e '(.["device.json"].groups | type) == "array" and (.["device.json"].network.pools | type) == "object"' "$f" >/dev/null 2>&1 || return 0
	while IFS="$US" read -r n_name n_type n_br n_parent n_sub n_gw n_nat; do
		[ "$n_type" = macvlan ] || n_type=bridge
		if [ -n "${POOL_TYPE[$n_name]:-}" ]; then
			# variant 'pool-reparse-fixed': a state being checked does not touch the running registry
			variant pool-reparse-fixed && continue
			L WARN ipam pv_ipam_add_pool:178 "pool '$n_name' already exists"
			L ERROR parser-system1 - "failed to add pool '$n_name'"
		elif ipam_add_pool "$n_name" "$n_type" "$n_br" "$n_parent" "$n_sub" "$n_gw" "$n_nat"; then
			L DEBUG parser-system1 - "added network pool '$n_name'"
		else
			L ERROR parser-system1 - "failed to add pool '$n_name'"
		fi
	done < <(jq -r --arg us "$US" '.["device.json"].network.pools | to_entries[] | .value as $v
		| [.key, (($v.type // "") | tostring), (($v.bridge // "") | tostring), (($v.parent // "") | tostring),
		   (($v.subnet // "") | tostring), (($v.gateway // "") | tostring), (if $v.nat == true then "1" else "0" end)] | join($us)' "$f")
}

# ---------------------------------------------------------------- steps (pv-ctrl /steps)
respond_file() { # ID FILE
	if [ -f "$2" ]; then respond "$1" 200 "$(cat "$2")"; else respond "$1" 404 '{"Error":"Resource does not exist"}'; fi
}

steps_ls() { # ID
	local out="[" sep="" r d prog date names=()
	while IFS= read -r r; do names+=("$r"); done < <(
		for d in "$STORAGE"/trails/*/; do
			r=$(basename "$d")
			[ "$r" = locals ] || [ "$r" = current ] || echo "$r"
		done | LC_ALL=C sort
		for d in "$STORAGE"/trails/locals/*/; do [ -d "$d" ] && echo "locals/$(basename "$d")"; done | LC_ALL=C sort
	)
	for r in "${names[@]}"; do
		d=$STORAGE/trails/$r
		# pv_storage_get_revisions_string loads at most 512 bytes (pv_fs_file_load(path, 512)):
		# a bigger progress file (an update whose logs hold several ERRORs) is listed as {}
		prog=""
		[ "$(stat -c %s "$d/.pv/progress" 2>/dev/null || echo 0)" -le 512 ] && prog=$(cat "$d/.pv/progress" 2>/dev/null)
		[ -n "$prog" ] || prog="{}"
		date=$(date -u -d "@$(stat -c %Y "$d")" +%Y-%m-%dT%H:%M:%SZ 2>/dev/null)
		out+="$sep{\"name\":\"$r\", \"date\":\"$date\", \"commitmsg\":\"\", \"progress\":$prog}"
		sep=","
	done
	respond "$1" 200 "$out]"
}

steps_put() { # ID REV: the state JSON of a new local step (pvtx commit)
	local id=$1 rev=$2 body=$LAB_CTRL_DIR/$1.body d
	if [[ $rev != locals/* ]] || [[ $rev == *..* ]] || [ "$rev" = locals/ ]; then
		L ERROR ctrl - "wrong local step name $rev"
		respond "$id" 400 '{"Error":"Request has bas step name"}'
		return
	fi
	d=$(rev_dir "$rev")
	mkdir -p "$d/.pvr" "$d/.pv"
	progress_set "$rev" NEW "Update not yet installed"
	L DEBUG update - "pv_update_pre_install successful"
	progress_set "$rev" NEW "Update ready to be run"
	L DEBUG update - "pv_update_post_install successful"
	if ! [ -f "$body" ] || ! jq -e 'type == "object" and .["#spec"] == "pantavisor-service-system@1"' "$body" >/dev/null 2>&1; then
		L ERROR parser-system1 - "state JSON has bad format"
		L ERROR storage pv_storage_verify_state_json:1123 "Could not verify state json format"
		L ERROR ctrl - "state verification went wrong"
		rm -rf "$d"
		respond "$id" 422 '{"Error":"Parser: State JSON has bad format"}'
		return
	fi
	jq -S -c . "$body" >"$d/.pvr/json"
	rm -f "$body"
	reparse_pools "$d/.pvr/json"
	respond "$id" 200 ""
}

# pv_state_prepare_run: the trail of REV gets its files (objects hard-linked, JSON as text)
trail_install() { # REV
	local d k v
	d=$(rev_dir "$1")
	while IFS=$'\t' read -r k v; do
		case "$k" in /* | *..*) continue ;; esac
		mkdir -p "$d/$(dirname "$k")"
		if [ "$v" = "@json" ]; then continue; fi
		[ -f "$STORAGE/objects/$v" ] || { L WARN state _link_trail_objects:513 "object $v for '$k' is missing"; continue; }
		ln -f "$STORAGE/objects/$v" "$d/$k" 2>/dev/null
	done < <(jq -r 'to_entries[] | select(.key != "#spec")
		| select((.value | type) == "string" and (.value | test("^[0-9a-f]{64}$"))) | [.key, .value] | @tsv' "$d/.pvr/json")
	while IFS= read -r k; do
		case "$k" in /* | *..*) continue ;; esac
		mkdir -p "$d/$(dirname "$k")"
		jq --indent 4 --arg k "$k" '.[$k]' "$d/.pvr/json" >"$d/$k"
	done < <(jq -r 'to_entries[] | select(.key != "#spec")
		| select(((.value | type) == "string" and (.value | test("^[0-9a-f]{64}$"))) | not) | .key' "$d/.pvr/json")
}

# which parts differ between the running state and NEW: prints one owner per line ("" = not a
# platform's: device.json, bsp, ...)
changed_owners() { # CURRENT_JSON NEW_JSON
	jq -rn --slurpfile a "$1" --slurpfile b "$2" '
		def owner: if startswith("_sigs/") then (ltrimstr("_sigs/") | rtrimstr(".json"))
			elif startswith("_config/") then (split("/")[1]) elif contains("/") then split("/")[0] else "" end;
		($a[0] | del(.["#spec"])) as $A | ($b[0] | del(.["#spec"])) as $B
		| ([($A | keys), ($B | keys)] | add | unique) as $K
		| [$K[] | select($A[.] != $B[.]) | owner] | unique[]
		| if . == "" then "@" else . end'
}

# 'pvcontrol cmd run REV' (LOCAL_RUN), taken by the state machine
process_local_run() {
	local rev=$PENDING_RUN commit=$PENDING_RUN_COMMIT state cur o pol reboot=0 p new_p=() changed=()
	PENDING_RUN="" PENDING_RUN_COMMIT=0
	L DEBUG controller _pv_run_state_cb:993 "next state: 'STATE_COMMAND'"
	if [ -n "$UPD_REV" ]; then
		L WARN controller _pv_command:612 "ignoring install local command because an update is in progress"
		return 0
	fi
	L DEBUG controller _pv_command:617 "install local received. Processing $rev json..."
	state=$(rev_dir "$rev")/.pvr/json
	update_begin "$rev" ""
	L DEBUG update - "loading rev '$rev' to be run"
	L DEBUG logserver - "starting logserver update with rev '$rev'"
	if ! [ -f "$state" ]; then
		L WARN update - "could not read state json"
		progress_set "$rev" WONTGO "State JSON not found"
		update_finish
		return 0
	fi
	reparse_pools "$state"
	L DEBUG update - "pv_update_run successful: _finish_update_installation"
	trail_install "$rev"
	L INFO bootloader pv_bootloader_install_update:165 "setting installed revision $rev to be started after next reboot"
	write_boot "$(boot_rev)" "$rev"
	cur=$TRAIL/.pvr/json
	while IFS= read -r o; do
		if [ "$o" = @ ]; then
			L DEBUG state pv_state_compare_jsons:1176 "json has been modified or deleted in the pending update"
			L DEBUG state pv_state_compare_jsons:1178 "json belongs to bsp"
			reboot=1
			continue
		fi
		if [ -n "${P_STATUS[$o]:-}" ]; then
			pol=${P_POLICY[$o]}
		else
			pol=$(jq -r --arg p "$o" '.[$p + "/run.json"].restart_policy // empty' "$state")
			if [ -z "$pol" ]; then
				local g
				g=$(jq -r --arg p "$o" '.[$p + "/run.json"].group // "root"' "$state")
				pol=${GROUP_POLICY[$g]:-system}
			fi
		fi
		if [ "$pol" != container ]; then
			L DEBUG state pv_state_platform_requires_reboot:1066 "it belongs to platform '$o', which has a 'system' restart policy. Rebooting..."
			reboot=1
		else
			L DEBUG state pv_state_platform_requires_reboot:1072 "it belongs to platform '$o', which has a 'container' restart policy. Reseting container only..."
			[ -n "${P_STATUS[$o]:-}" ] && changed+=("$o")
		fi
	done < <(changed_owners "$cur" "$state")
	[ "$commit" = 1 ] && reboot=1
	if [ "$reboot" = 1 ]; then
		L INFO state pv_state_stop_platforms:1235 "could not just stop individual platforms for update"
		L INFO controller pv_run_update:1092 "running new state requires reboot"
		L INFO controller pv_issue_reboot:1120 "setting device for reboot"
		UPD_TRANSITION=reboot
		progress_set "$rev" INPROGRESS "Rebooting"
		L DEBUG controller _pv_run_state_cb:993 "next state: 'STATE_REBOOT'"
		# pv_update_finish before the reboot: the logs so far go with the progress ("Rebooting"
		# with logs, and every report after the relaunch carries them)
		L DEBUG update - "finishing update"
		L DEBUG logserver - "stopping logserver update with rev '$rev'"
		L DEBUG logserver - "stop update command received"
		UPD_LOGS=""
		update_logs_flush "$rev"
		shutdown_pv reboot
		exit 0
	fi
	# only the platforms that changed are stopped; the others keep running
	for p in "${changed[@]}"; do
		case "${P_STATUS[$p]}" in
		STARTING | STARTED | READY | RECOVERING)
			L DEBUG platforms pv_platform_stop:1428 "leniently stopping platform '$p'"
			set_status "$p" STOPPING
			L DEBUG platforms pv_platform_force_stop:1454 "force stopping platform '$p'"
			lxc_stop "$p"
			set_status "$p" STOPPED
			;;
		esac
	done
	L INFO controller pv_run_update:1097 "running new state does not require reboot"
	L INFO controller pv_issue_nonreboot:1109 "setting device for non-reboot transition"
	UPD_TRANSITION=nonreboot
	progress_set "$rev" INPROGRESS "Transitioning to new revision without rebooting"
	transition_to "$rev" "${changed[@]}"
}

# the non-reboot transition: the changed platforms are removed (their leases released), the new
# ones are added, the log moves to the new revision's, _pv_run runs again (bridges, NAT, ...)
transition_to() { # REV CHANGED...
	local rev=$1 p k keep=()
	shift
	local old=$REV
	# the running revision's log gets everything up to the logserver's transition; the new
	# revision's log starts with "transitioning..." (observed: real-updates/update-add-container)
	L DEBUG controller _pv_run_state_cb:993 "next state: 'STATE_RUN'"
	L DEBUG controller _pv_run:181 "_pv_run():181"
	L DEBUG update - "update with rev '$rev' to be resumed after non-reboot transition..."
	progress_set "$rev" INPROGRESS "Trying new revision"
	L DEBUG logserver - "transitioning logserver to rev '$rev'"
	L DEBUG logserver - "transition command received with revision '$rev'"
	REV=$rev
	TRAIL=$STORAGE/trails/$REV
	LOGFILE=$LOGDIR_BASE/$REV/pantavisor/pantavisor.log
	mkdir -p "$(dirname "$LOGFILE")"
	local oldfd=$LOGFD newfd
	exec {newfd}>>"$LOGFILE"
	LOGFD=$newfd
	L INFO controller _pv_run:201 "transitioning..."
	L DEBUG state pv_state_remove_updated_platforms:1255 "removing artifacts that belong to stopped platforms from rev $old"
	for p in "$@"; do
		L DEBUG state pv_state_remove_updated_platforms:1302 "removing platform $p"
		[ "${P_NET[$p]}" = pool ] && [ -n "${P_POOL[$p]}" ] && ipam_release "${P_POOL[$p]}" "$p"
		for k in P_STATUS P_GROUP P_POLICY P_GOAL P_TYPE P_CONF P_NET P_POOL P_HOST P_SIP P_SMAC P_USERSTOP P_IP P_MAC \
			P_BR P_GW P_EXPLICIT_POLICY AR_POLICY AR_RETRIES AR_DEADLINE AR_STABLE_AT AR_ISSTABLE AR_FAILED; do
			unset "$k[$p]"
		done
	done
	for p in "${ORDER[@]}"; do [ -n "${P_STATUS[$p]:-}" ] && keep+=("$p"); done
	ORDER=("${keep[@]}")
	L DEBUG state pv_state_transfer_platforms:1328 "transferring artifacts that belong to platforms from rev $rev to rev $old"
	# the new platforms' parse lines (INSTALLED, default goal/policy) belong to the parse of the
	# new state at 'cmd run', in the running revision's log (observed), not to the new log
	LOGFD=$oldfd
	load_platforms "$TRAIL/.pvr/json" "$TRAIL" 1
	LOGFD=$newfd
	exec {oldfd}>&-
	for p in "${NEWP[@]}"; do L DEBUG state pv_state_transfer_platforms:1397 "transferring platform $p"; done
	L DEBUG state pv_state_print:274 "state $REV:"
	for p in "${ORDER[@]}"; do L DEBUG state pv_state_print:287 " platform: '$p'"; done
	set_active_links
	# defect 'update-restarts-unchanged': the platforms that did not change are restarted too
	if fault update-restarts-unchanged; then
		for p in "${ORDER[@]}"; do
			[[ " ${NEWP[*]} " == *" $p "* ]] && continue
			[ "${P_STATUS[$p]}" = STARTED ] || continue
			lxc_stop "$p"
			set_status "$p" STOPPED
			set_status "$p" INSTALLED
		done
	fi
	EVER_READY=0
	BRIDGES_QUIET=1 ipam_setup_bridges
	reserve_static_ips
	L DEBUG controller _pv_run:289 "running local revision $REV"
	L INFO controller _pv_run:299 "running in local mode. Will not consume new updates from Pantahub"
	L DEBUG controller _pv_run_state_cb:993 "next state: 'STATE_WAIT'"
	WAKE=1
}

# pv_wait_update: INPROGRESS until every platform reached its goal, TESTING for the commit delay
# (and until every container with a stable_timeout is stable), then UPDATED (non-reboot) or DONE
update_tick() {
	[ -n "$LOGS_PENDING" ] && update_logs_flush "$LOGS_PENDING"
	[ -n "$UPD_REV" ] || return 0
	local p now rem
	now=$(now_ms)
	case "$UPD_STATUS" in
	INPROGRESS)
		for p in "${ORDER[@]}"; do
			[ "${P_USERSTOP[$p]:-false}" = true ] && continue
			goal_achieved "$p" || return 0
		done
		UPD_COMMIT_AT=$((now + COMMIT_DELAY * 1000))
		if [ "$UPD_TRANSITION" = nonreboot ]; then
			progress_set "$UPD_REV" TESTING "Awaiting to see if update is stable"
		else
			progress_set "$UPD_REV" TESTING "Awaiting to set rollback point if update is stable"
		fi
		# pv_wait_update counts down at the 2-s ticks from COMMIT_DELAY - 1: 4, 2, 0, then commits
		# (observed: "committing new update in 4 seconds" in the same second as TESTING)
		UPD_COMMIT_LEFT=$((COMMIT_DELAY - 1))
		L INFO controller pv_wait_update:436 "committing new update in $UPD_COMMIT_LEFT seconds"
		;;
	TESTING)
		# defect 'update-never-finishes': the update stays TESTING for ever
		fault update-never-finishes && return 0
		if ((UPD_COMMIT_LEFT > 0)); then
			rem=$((UPD_COMMIT_LEFT - 2))
			((rem < 0)) && rem=0
			UPD_COMMIT_LEFT=$rem
			L INFO controller pv_wait_update:436 "committing new update in $rem seconds"
			return 0
		fi
		for p in "${ORDER[@]}"; do
			if [ "${AR_STABLE[$p]:-0}" -gt 0 ] && [ "${AR_ISSTABLE[$p]:-false}" != true ] && [ -z "${AR_FAILED[$p]:-}" ] &&
				[ "${P_USERSTOP[$p]:-false}" != true ]; then
				L DEBUG state pv_state_is_stability_pending:940 "platform '$p' stability pending (waiting for stable_timeout)"
				[ "$(jq -r '.["status-msg"]' "$(rev_dir "$UPD_REV")/.pv/progress" 2>/dev/null)" = "Waiting for all containers to become stable" ] ||
					progress_set "$UPD_REV" TESTING "Waiting for all containers to become stable"
				return 0
			fi
		done
		# defect 'update-wrong-status': a non-reboot update reports DONE
		if [ "$UPD_TRANSITION" = nonreboot ] && ! fault update-wrong-status; then
			progress_set "$UPD_REV" UPDATED "Update finished, revision not set as rollback point"
		else
			progress_set "$UPD_REV" DONE "Update finished, revision set as rollback point"
			if [ "$UPD_TRANSITION" != nonreboot ]; then
				L INFO bootloader pv_bootloader_pre_commit_update:208 "preparing revision $UPD_REV to be commited..."
				write_boot "$UPD_REV"
				L DEBUG storage pv_storage_set_rev_done:808 "saving done file for rev $UPD_REV in $(rev_dir "$UPD_REV")/.pv/done"
				: >"$(rev_dir "$UPD_REV")/.pv/done"
				L INFO bootloader pv_bootloader_post_commit_update:231 "revision $UPD_REV commited"
			fi
		fi
		update_finish later
		;;
	esac
	return 0
}
