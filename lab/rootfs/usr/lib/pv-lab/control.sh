# pv-ipam-tests APPENGINE LAB - control.sh: control requests (the pvcontrol server) and the STATE_WAIT loop
# Sourced by the lab's /usr/bin/pantavisor (a simulator, NOT Pantavisor); it uses the globals and
# helpers that script and the other modules define. Shares no code with the toolkit.
# shellcheck shell=bash

# ---------------------------------------------------------------- control requests

respond() { # ID CODE BODY
	printf '%s\n%s' "$2" "$3" >"$LAB_CTRL_DIR/$1.tmp" && mv -f "$LAB_CTRL_DIR/$1.tmp" "$LAB_CTRL_DIR/$1.resp"
}

containers_json() {
	local p out="[" sep="" pol us
	for p in "${ORDER[@]}"; do
		pol=${P_POLICY[$p]}
		out+="$sep{\"name\":\"$p\",\"group\":\"${P_GROUP[$p]}\",\"status\":\"${P_STATUS[$p]}\",\"status_goal\":\"${P_GOAL[$p]}\",\"restart_policy\":\"$pol\",\"roles\":[\"mgmt\"]"
		if [ -n "${AR_POLICY[$p]:-}" ] && [ "${AR_POLICY[$p]}" != no ]; then
			out+=",\"auto_recovery\":{\"policy\":\"${AR_POLICY[$p]}\",\"max_retries\":${AR_MAX[$p]:-0},\"current_retries\":${AR_RETRIES[$p]:-0},\"stable_timeout\":${AR_STABLE[$p]:-0},\"is_stable\":\"${AR_ISSTABLE[$p]:-false}\",\"backoff_policy\":\"${AR_BACKOFF[$p]:-reboot}\"}"
		fi
		if [ "$pol" = container ]; then
			us=false
			[ "${P_USERSTOP[$p]}" = true ] && us=true
			out+=",\"user_stopped\":\"$us\""
		fi
		out+="}"
		sep=","
	done
	printf '%s]' "$out"
}

begin_stop() { # NAME ID THEN(stopped|restart)
	local p=$1
	L DEBUG platforms pv_platform_stop_loggers:1340 "stopping loggers attached to platform $p"
	L DEBUG platforms pv_platform_stop:1428 "leniently stopping platform '$p'"
	set_status "$p" STOPPING
	# the lab init ignores the lenient shutdown signal like a PID-1 sleep does: force stop later
	P_STOP_DEADLINE[$p]=$(($(now_ms) + ${LAB_STOP_DELAY:-5} * 1000))
	P_STOP_THEN[$p]=$3
	[ -n "$2" ] && PENDING_RESP[$2]=$p
}

finish_stop() { # NAME
	local p=$1 id
	L WARN state pv_state_run:884 "platform '$p' did not exit after lenient stop, force stopping"
	L DEBUG platforms pv_platform_force_stop:1454 "force stopping platform '$p'"
	lxc_stop "$p"
	unset "P_STOP_DEADLINE[$p]"
	set_status "$p" STOPPED
	if [ "${P_STOP_THEN[$p]:-stopped}" = restart ]; then
		L DEBUG containers-ep - "Container $p stopped (restart), setting INSTALLED"
		P_USERSTOP[$p]=false
		set_status "$p" INSTALLED
		WAKE=1
	else
		L DEBUG containers-ep - "Container $p stopped (user stop)"
		P_USERSTOP[$p]=true
	fi
	for id in "${!PENDING_RESP[@]}"; do
		[ "${PENDING_RESP[$id]}" = "$p" ] || continue
		respond "$id" 200 ""
		unset "PENDING_RESP[$id]"
	done
}

handle_request() { # ID VERB [ARG]
	local id=$1 verb=$2 p=${3:-} st
	[[ $id =~ ^[A-Za-z0-9._-]+$ ]] || return 0
	case "$verb" in
	ls)
		if [ "$STATE_LOADED" != 1 ]; then respond "$id" 500 '{"Error":"State not loaded yet"}'; return; fi
		respond "$id" 200 "$(containers_json)"
		return
		;;
	stop | start | restart) ;;
	steps-ls) steps_ls "$id"; return ;;
	steps-get)
		[ "$p" = current ] && p=$REV
		respond_file "$id" "$STORAGE/trails/$p/.pvr/json"
		return
		;;
	steps-progress)
		[ "$p" = current ] && p=$REV
		respond_file "$id" "$STORAGE/trails/$p/.pv/progress"
		return
		;;
	steps-put) steps_put "$id" "$p"; return ;;
	cmd-run | cmd-run-commit)
		if [ -z "$p" ]; then respond "$id" 400 '{"Error":"Missing payload"}'; return; fi
		PENDING_RUN=$p
		PENDING_RUN_COMMIT=0
		[ "$verb" = cmd-run-commit ] && PENDING_RUN_COMMIT=1
		respond "$id" 200 ""
		return
		;;
	*) respond "$id" 400 '{"Error":"Invalid action. Use '"'"'start'"'"', '"'"'stop'"'"', or '"'"'restart'"'"'"}'; return ;;
	esac
	L DEBUG containers-ep - "PUT request for containers"
	if [ -z "$p" ]; then respond "$id" 400 '{"Error":"Missing container name"}'; return; fi
	if [ -z "${P_STATUS[$p]:-}" ]; then respond "$id" 404 '{"Error":"Container not found"}'; return; fi
	if [ "${P_POLICY[$p]}" != container ]; then
		respond "$id" 403 '{"Error":"Container has restart_policy '"'"'system'"'"' and cannot be controlled via API"}'
		return
	fi
	st=${P_STATUS[$p]}
	case "$verb" in
	stop)
		L DEBUG containers-ep - "Stopping container $p via ctrl"
		if [ "$st" = STOPPED ] && [ "${P_USERSTOP[$p]}" = true ]; then
			L DEBUG containers-ep - "Container $p is already stopped by user"
		elif [ "$st" = STOPPED ]; then
			P_USERSTOP[$p]=true
		elif [ "$st" = STOPPING ]; then
			P_STOP_THEN[$p]=stopped
			PENDING_RESP[$id]=$p
			return
		else
			begin_stop "$p" "$id" stopped
			return
		fi
		respond "$id" 200 ""
		;;
	start)
		L DEBUG containers-ep - "Starting container $p via ctrl"
		case "$st" in
		STARTED | STARTING | READY) L DEBUG containers-ep - "Container $p is already running" ;;
		STOPPED)
			P_USERSTOP[$p]=false
			set_status "$p" INSTALLED
			WAKE=1
			;;
		STOPPING) P_STOP_THEN[$p]=restart ;;
		*)
			respond "$id" 400 '{"Error":"Container must be in STOPPED, STOPPING, or RECOVERING state to start"}'
			return
			;;
		esac
		respond "$id" 200 ""
		;;
	restart)
		L DEBUG containers-ep - "Restarting container $p via ctrl"
		case "$st" in
		STOPPED)
			P_USERSTOP[$p]=false
			set_status "$p" INSTALLED
			WAKE=1
			;;
		STARTED | STARTING | READY) begin_stop "$p" "" restart ;;
		STOPPING) P_STOP_THEN[$p]=restart ;;
		*)
			respond "$id" 400 '{"Error":"Container state does not allow restart"}'
			return
			;;
		esac
		respond "$id" 200 ""
		;;
	esac
}

# serve control requests until DEADLINE_MS (or forever when 0), ticking every 2 s
serve_until() {
	local deadline=$1 line t now next_tick p wait_ms d
	next_tick=$(($(now_ms) + 2000))
	while :; do
		now=$(now_ms)
		[ "$deadline" != 0 ] && ((now >= deadline)) && return 0
		# due stops
		for p in "${!P_STOP_DEADLINE[@]}"; do
			((now >= P_STOP_DEADLINE[$p])) && finish_stop "$p"
		done
		if [ "${WAKE:-0}" = 1 ]; then
			WAKE=0
			L DEBUG controller _pv_run_state_cb:993 "next state: 'STATE_WAIT'"
			state_run || teardown_reboot
			continue
		fi
		if ((now >= next_tick)); then
			next_tick=$((now + 2000))
			if [ "$deadline" = 0 ]; then
				L DEBUG controller _pv_run_state_cb:993 "next state: 'STATE_WAIT'"
				state_run || teardown_reboot
				check_containers
				update_tick
			fi
		fi
		if [ -n "$PENDING_RUN" ] && [ "$deadline" = 0 ]; then
			process_local_run
			continue
		fi
		wait_ms=$((next_tick - now))
		[ "$deadline" != 0 ] && (((deadline - now) < wait_ms)) && wait_ms=$((deadline - now))
		for p in "${!P_STOP_DEADLINE[@]}"; do
			d=$((P_STOP_DEADLINE[$p] - now))
			((d < wait_ms)) && wait_ms=$d
		done
		((wait_ms < 10)) && wait_ms=10
		t=$(printf '%d.%03d' $((wait_ms / 1000)) $((wait_ms % 1000)))
		if IFS= read -r -t "$t" -u "$CTLFD" line; then
			# shellcheck disable=SC2086
			handle_request $line
		fi
	done
}

# a lab container whose init died by itself
