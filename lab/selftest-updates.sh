#!/usr/bin/env bash
# Self-test of the lab's updates and auto-recovery policies (issue 16), by hand with docker exec,
# independent of the TypeScript toolkit: each case does what a user does on a device and checks
# the outputs the observed file (§11, §12) and the facts give.
#
#   lab/selftest-updates.sh              # all cases
#   lab/selftest-updates.sh UPD REC      # some: UPD (add, remove, unknown pool, baked net, pool
#                                        # change, chained), UPDR (a reboot update that fails and
#                                        # is rolled back), REC (delayed, exhausted), RECI
#                                        # (immediate), V (variants), F (faults)
#
# Needs `lab/build.sh` first (LAB_IMAGE, default pantavisor-appengine-lab:latest). Container
# LAB_SELFTEST_NAME (default pv-lab-selftest-upd), volume <name>-storage; both removed on exit,
# loop devices (of every revision) detached first. Derived exports are made here with jq/tar.
# Prints "N passed, N failed" last; exits non-zero on any failure.
set -uo pipefail

LAB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
DEPLOY=$LAB_DIR/out/deploy
IMAGE=${LAB_IMAGE:-pantavisor-appengine-lab:latest}
C=${LAB_SELFTEST_NAME:-pv-lab-selftest-upd}
V=$C-storage
S=/var/pantavisor/storage
LOG0=$S/logs/0/pantavisor/pantavisor.log
WORK=$(mktemp -d "${TMPDIR:-/tmp}/pv-lab-selftest-upd.XXXXXX")
PASS=0 FAIL=0
T=$(printf '\t')

release_loops() {
	docker exec "$C" sh -c 'kill -9 $(pgrep -x pv-appengine) 2>/dev/null; kill -9 $(pgrep -x pantavisor) 2>/dev/null
		for d in /dev/loop[0-9]*; do
			[ -b "$d" ] || continue
			case "$(cat /sys/block/${d#/dev/}/loop/backing_file 2>/dev/null)" in
			/var/pantavisor/storage/*) losetup -d "$d" ;;
			esac
		done' >/dev/null 2>&1
}
remove_container() {
	release_loops
	docker rm -f "$C" >/dev/null 2>&1
	docker volume rm "$V" >/dev/null 2>&1
}
cleanup() { remove_container; rm -rf "$WORK"; }
trap cleanup EXIT
[ -d "$DEPLOY" ] || { echo "selftest-updates: $DEPLOY missing: run lab/build.sh first" >&2; exit 1; }
docker image inspect "$IMAGE" >/dev/null 2>&1 || { echo "selftest-updates: image $IMAGE missing: run lab/build.sh first" >&2; exit 1; }

ok() { PASS=$((PASS + 1)); echo "  ok   - $*"; }
bad() { FAIL=$((FAIL + 1)); echo "  FAIL - $*"; }
check() { local d=$1; shift; if "$@"; then ok "$d"; else bad "$d"; fi; }
dx() { docker exec "$C" sh -c "$1"; }
eq() { [ "$1" = "$2" ] || { echo "       got '$1', want '$2'"; return 1; }; }
has() { [[ $1 == *"$2"* ]] || { echo "       '$2' not in: ${1:0:300}"; return 1; }; }
hasnt() { [[ $1 != *"$2"* ]] || { echo "       '$2' found in: ${1:0:300}"; return 1; }; }
lxcls() { dx 'lxc-ls -f -F NAME,STATE,IPV4' 2>/dev/null; }
state_ip() { lxcls | awk -v n="$1" '$1 == n { print $2 "/" $3 }'; }
logf() { printf '%s/logs/%s/pantavisor/pantavisor.log' "$S" "$1"; }
count() { local n; n=$(docker exec "$C" grep -cF -- "$2" "$(logf "$1")" 2>/dev/null); echo "${n:-0}"; }
masq() { dx 'nft list ruleset' | grep -c masquerade; }
masq_for() { dx 'nft list ruleset' | grep -c "ip saddr $1 "; }
progress() { docker exec "$C" pvcontrol steps show-progress "$1" 2>/dev/null; }
pstatus() { progress "$1" | jq -r '.status // empty' 2>/dev/null; }
current() { dx "readlink $S/logs/current"; }
pid_of() { dx "lxc-info -n $1 -p -H" 2>/dev/null; }

# seq_in REV TEXT...: the revision's log has lines containing each TEXT, in this order
seq_in() {
	local rev=$1 t at=0 n
	shift
	docker exec "$C" cat "$(logf "$rev")" >"$WORK/log.txt" 2>/dev/null || return 1
	for t in "$@"; do
		n=$(awk -v t="$t" -v from="$at" 'NR > from && index($0, t) { print NR; exit }' "$WORK/log.txt")
		if [ -z "$n" ]; then echo "       not found after line $at of $rev's log: '$t'"; return 1; fi
		at=$n
	done
}
# wait_until SECS CMD...: poll CMD until it succeeds; says what was last seen
wait_until() {
	local secs=$1 i
	shift
	for ((i = 0; i < secs * 2; i++)); do "$@" >/dev/null 2>&1 && return 0; sleep 0.5; done
	echo "       timed out after ${secs}s: $*"
	return 1
}
ready_in() { [ "$(count "$1" "state revision '$1' status is now READY")" -ge "${2:-1}" ]; }
final() { case "$(pstatus "$1")" in UPDATED | DONE | ERROR | WONTGO) return 0 ;; esac; return 1; }
# wait_final REV SECS: poll show-progress until the status is final; prints the last one seen
wait_final() {
	local i s=""
	for ((i = 0; i < $2 * 2; i++)); do
		s=$(pstatus "$1")
		case "$s" in
		UPDATED | DONE | ERROR | WONTGO)
			# the update's logs reach the progress a tick later (as on the real appengine):
			# give them up to 4 s (an update that logged no ERROR never gets the key)
			for ((i = 0; i < 8; i++)); do progress "$1" | jq -e 'has("logs")' >/dev/null 2>&1 && break; sleep 0.5; done
			return 0
			;;
		esac
		sleep 0.5
	done
	echo "       no final status for $1 after $2 s (last: '${s:-no answer}')"
	return 1
}

boot() { # EXPORTS FAULTS VARIANTS
	local e
	remove_container
	rm -rf "$WORK/pvtx.d"
	mkdir -p "$WORK/pvtx.d"
	for e in $1; do
		if [ -f "$e" ]; then cp "$e" "$WORK/pvtx.d/"; else cp "$DEPLOY/$e.pvrexport.tgz" "$WORK/pvtx.d/"; fi
	done
	docker volume create --label pv-ipam-tests=1 "$V" >/dev/null
	docker run --name "$C" -d --label pv-ipam-tests=1 --network none --cap-add NET_ADMIN --cap-add SYS_ADMIN \
		--cap-add NET_RAW --device /dev/loop-control --device-cgroup-rule 'b 7:* rmw' \
		-e LAB_FAULTS="${2:-}" -e LAB_VARIANTS="${3:-}" -e LAB_RESTART_DELAY="${LAB_RESTART_DELAY:-5}" \
		-v "$WORK/pvtx.d:/usr/lib/pantavisor/pvtx.d" -v "$V:$S" \
		--entrypoint /bin/sh "$IMAGE" -c "sleep infinity" >/dev/null
	docker exec "$C" sh -c 'pv-appengine > /tmp/pv-appengine.out 2>&1 &'
	wait_until 40 ready_in 0
}

# ---------------------------------------------------------------- derived exports (jq/tar)
repack() { # DIR OUT
	(cd "$1" && tar -cf - json $(ls objects/* 2>/dev/null) | gzip -n >"$2")
}
derive() {
	local d=$WORK/derived x
	[ -d "$d" ] && return 0
	mkdir -p "$d/707" "$d/rec2" "$d/rec0" "$d/baked"
	# device-ipam with pool internal moved to 10.0.7.0/24 (gateway 10.0.7.1)
	x=$WORK/x707 && mkdir -p "$x" && tar -xzf "$DEPLOY/pv-example-device-ipam.pvrexport.tgz" -C "$x"
	jq '.["device.json"].network.pools.internal.subnet = "10.0.7.0/24" | .["device.json"].network.pools.internal.gateway = "10.0.7.1"' "$x/json" >"$x/j" && mv "$x/j" "$x/json"
	repack "$x" "$d/707/pv-example-device-ipam.pvrexport.tgz"
	# net-server with an auto_recovery policy: delayed (2 s, 2 retries, then reboot) / immediate
	for k in rec2:2 rec0:0; do
		x=$WORK/x${k%%:*} && mkdir -p "$x" && tar -xzf "$DEPLOY/pv-example-net-server.pvrexport.tgz" -C "$x"
		jq --argjson delay "${k##*:}" '.["pv-example-net-server/run.json"].auto_recovery = {"policy": "on-failure", "max_retries": 2, "retry_delay": $delay, "backoff_factor": 2.0, "reset_window": 60, "stable_timeout": 30, "backoff_policy": "reboot"}' "$x/json" >"$x/j" && mv "$x/j" "$x/json"
		repack "$x" "$d/${k%%:*}/pv-example-net-server.pvrexport.tgz"
	done
	# net-client (pool internal) with a baked lxc.net.* (Test 8 as an update)
	x=$WORK/xbaked && mkdir -p "$x" && tar -xzf "$DEPLOY/pv-example-net-client.pvrexport.tgz" -C "$x"
	local old conf sha
	old=$(jq -r '.["pv-example-net-client/lxc.container.conf"]' "$x/json")
	conf=$x/objects/$old
	printf 'lxc.net.0.type = veth\n' >>"$conf"
	sha=$(sha256sum "$conf" | cut -d' ' -f1)
	mv "$conf" "$x/objects/$sha"
	jq --arg s "$sha" '.["pv-example-net-client/lxc.container.conf"] = $s' "$x/json" >"$x/j" && mv "$x/j" "$x/json"
	repack "$x" "$d/baked/pv-example-net-client.pvrexport.tgz"
}
DEV707=derived/707/pv-example-device-ipam.pvrexport.tgz
REC2=derived/rec2/pv-example-net-server.pvrexport.tgz
REC0=derived/rec0/pv-example-net-server.pvrexport.tgz
BAKED=derived/baked/pv-example-net-client.pvrexport.tgz

# update NAME [add FILE | stdin FILE | remove PART]...: the user's commands, one at a time
update() {
	local name=$1 out
	shift
	docker exec "$C" pvtx begin current || return 1
	while [ $# -gt 0 ]; do
		case "$1" in
		add) docker cp "$2" "$C:/tmp/$(basename "$2")" && docker exec "$C" pvtx add "/tmp/$(basename "$2")" || return 1 ;;
		stdin) docker exec -i "$C" pvtx add - <"$2" || return 1 ;;
		remove) docker exec "$C" pvtx remove "$2" || return 1 ;;
		esac
		shift 2
	done
	out=$(docker exec "$C" pvtx commit "locals/$name") || return 1
	[ "$out" = "locals/$name" ] || { echo "       pvtx commit printed '$out'"; return 1; }
	out=$(docker exec "$C" pvcontrol cmd run "locals/$name" | od -An -c | tr -d ' ')
	[ "$out" = '\n' ] || { echo "       pvcontrol cmd run printed '$out'"; return 1; }
}

t_updates() {
	local spid logs p
	derive
	echo "# update-add-container: rev 0 = device + net-server, the update adds net-client (observed §11.1)"
	boot "pv-example-device-ipam pv-example-net-server" || return
	spid=$(pid_of pv-example-net-server)
	check "pvtx show without a transaction: ERROR, exit 11" eq "$(docker exec "$C" pvtx show 2>&1; echo "rc=$?")" "ERROR: show: no active transaction. Start a transaction first.
rc=11"
	check "pvtx begin current / add / commit locals/add-client / cmd run" update add-client stdin "$DEPLOY/pv-example-net-client.pvrexport.tgz"
	check "UPDATED" wait_final locals/add-client 30
	check "status-msg" eq "$(progress locals/add-client | jq -r '.status + " / " + .["status-msg"] + " / " + (.progress | tostring)')" "UPDATED / Update finished, revision not set as rollback point / 100"
	check "known issue: the progress logs carry the ERROR" eq "$(progress locals/add-client | jq -r '.logs' | jq -r 'select(.lvl == "ERROR") | .src + ": " + .msg')" "parser-system1: failed to add pool 'internal'"
	check "known issue: rev 0's log, WARN then ERROR at commit time" seq_in 0 "WARN$T -- [ipam]: (pv_ipam_add_pool:178) pool 'internal' already exists" \
		"ERROR$T -- [parser-system1]: failed to add pool 'internal'" "(pv_run_update:1097) running new state does not require reboot" \
		"(pv_issue_nonreboot:1109) setting device for non-reboot transition"
	check "the new revision's log" seq_in locals/add-client "(_pv_run:201) transitioning..." "(setup_nat:666) setup NAT (nftables) for pool internal" \
		"allocated 10.0.5.3/24 to pv-example-net-client from pool internal" "state revision 'locals/add-client' status is now READY" \
		"committing new update in" '"status":"UPDATED"'
	check "net-server not restarted (same pid, no start line in the new log)" eq "$(pid_of pv-example-net-server)/$(count locals/add-client "started platform 'pv-example-net-server'")" "$spid/0"
	check "both RUNNING, client on the next free address" eq "$(state_ip pv-example-net-client) $(state_ip pv-example-net-server)" "RUNNING/10.0.5.3 RUNNING/10.0.5.2"
	check "logs/current and trails/current -> locals/add-client" eq "$(current)/$(dx "readlink $S/trails/current")" "locals/add-client/locals/add-client"
	check "known issue: one more masquerade rule (2)" eq "$(masq)" 2
	check "steps ls lists 0 and locals/add-client" eq "$(docker exec "$C" pvcontrol steps ls | jq -r '[.[] | .name + "=" + .progress.status] | join(" ")')" "0=DONE locals/add-client=UPDATED"
	check "a loop device for the new revision's container" dx "grep -q /trails/locals/add-client/pv-example-net-client/root.squashfs /sys/block/loop*/loop/backing_file"
	check "pv_try names the UPDATED revision, pv_rev stays 0" eq "$(dx "tr '\\0' '|' < $S/boot/uboot.txt")" "pv_rev=0|pv_try=locals/add-client||"

	echo "# pvtx remove: the update removes net-client (non-reboot)"
	check "pvtx remove pv-example-net-client" update rm-client remove pv-example-net-client
	check "UPDATED" wait_final locals/rm-client 30
	check "client's lease released, server kept" seq_in locals/rm-client "removing platform pv-example-net-client" "released 10.0.5.3 from pv-example-net-client in pool internal" '"status":"UPDATED"'
	check "net-server still the same pid" eq "$(pid_of pv-example-net-server)" "$spid"
	check "the removed part is gone from the state" eq "$(docker exec "$C" pvcontrol steps get locals/rm-client | jq -r 'keys | map(select(startswith("pv-example-net-client") or startswith("_sigs/pv-example-net-client"))) | length')" 0

	echo "# update-unknown-pool: Test 7 in TESTING (observed §11.2)"
	check "the update adds ipam-nopool" update bad-pool add "$DEPLOY/pv-example-net-client.pvrexport.tgz" add "$DEPLOY/pv-example-ipam-nopool.pvrexport.tgz"
	check "ERROR" wait_final locals/bad-pool 30
	check "status-msg" eq "$(progress locals/bad-pool | jq -r '.status + " / " + .["status-msg"]')" "ERROR / A container could not be started"
	check "the plan's three lines, teardown, ERROR, STATE_ROLLBACK, failed revision, in order" seq_in locals/bad-pool \
		"ERROR$T -- [platforms]: (pv_platform_start:1242) platform 'pv-example-ipam-nopool' references unknown pool 'does-not-exist', refusing to start" \
		"ERROR$T -- [platforms]: (pv_platform_start:1314) platform 'pv-example-ipam-nopool' failed IPAM network validation, triggering rollback if in try-boot" \
		"ERROR$T -- [state]: (pv_state_start_platform:656) platform pv-example-ipam-nopool could not be started" \
		"ERROR$T -- [controller]: (_pv_wait:502) a platform did not work as expected. Tearing down..." \
		"DEBUG$T -- [update]: report progress for rev 'locals/bad-pool': '{\"status\":\"ERROR\",\"status-msg\":\"A container could not be started\",\"progress\":100,\"retries\":0}'" \
		"DEBUG$T -- [controller]: (_pv_run_state_cb:993) next state: 'STATE_ROLLBACK'" \
		"DEBUG$T -- [controller]: (_pv_run_state_cb:993) next state: 'STATE_REBOOT'" \
		"INFO$T -- [bootloader]: (pv_bootloader_fail_update:247) setting failed revision locals/bad-pool not to be started after next reboot"
	check "the reported logs name the refusal" has "$(progress locals/bad-pool | jq -r .logs)" "references unknown pool 'does-not-exist'"
	check "back on rev 0 (logs/current -> 0)" wait_until 30 eval '[ "$(current)" = 0 ]'
	check "rev 0's log gets a second boot" wait_until 30 ready_in 0 2
	check "net-server RUNNING 10.0.5.2 by a fresh allocation" eq "$(state_ip pv-example-net-server)/$(count 0 "allocated 10.0.5.2/24 to pv-example-net-server from pool internal")" "RUNNING/10.0.5.2/2"
	check "net-client STOPPED (its LXC definition remains)" eq "$(state_ip pv-example-net-client)" "STOPPED/-"
	check "pv_try emptied (pv_rev=0\0pv_try=\0, as real): the failed revision is not tried again" eq "$(dx "tr '\\0' '|' < $S/boot/uboot.txt")" "pv_rev=0|pv_try=||"
	# one per launch and one per transition (observed: 4 after add-client and bad-pool; here rm-client too)
	check "known issue: masquerade rules, 5 by now" eq "$(masq)" 5

	echo "# update-baked-net: Test 8 in TESTING"
	check "the update adds a pool container with baked lxc.net.*" update baked add "$WORK/$BAKED"
	check "ERROR" wait_final locals/baked 30
	check "refusal, teardown, rollback in order" seq_in locals/baked "declares an IPAM pool but its lxc.container.conf already contains lxc.net.* entries" \
		"(pv_platform_start:1209) platform 'pv-example-net-client' refused by backend pre-start validation" \
		"platform pv-example-net-client could not be started" "Tearing down..." "next state: 'STATE_ROLLBACK'" \
		"setting failed revision locals/baked not to be started after next reboot"
	check "back on rev 0, net-server RUNNING 10.0.5.2" wait_until 30 eval '[ "$(current)/$(state_ip pv-example-net-server)" = 0/RUNNING/10.0.5.2 ]'

	echo "# update-pool-change: device.json 10.0.5.0/24 -> 10.0.7.0/24, a reboot update (observed §11.3)"
	wait_until 20 eval '[ "$(pstatus locals/baked)" = ERROR ] && docker exec "$C" pvcontrol ls >/dev/null'
	check "the update replaces device.json" update pool-707 add "$WORK/$DEV707"
	check "DONE" wait_final locals/pool-707 60
	check "status-msg" eq "$(progress locals/pool-707 | jq -r '.status + " / " + .["status-msg"]')" "DONE / Update finished, revision set as rollback point"
	check "rev 0's log: the reboot" seq_in 0 "failed to add pool 'internal'" "(pv_run_update:1092) running new state requires reboot" \
		"(pv_issue_reboot:1120) setting device for reboot" "preparing 'reboot'..."
	check "the launcher tries the new revision" dx "grep -qF 'launching pantavisor rev=locals/pool-707 (try=locals/pool-707)' /tmp/pv-appengine.out"
	check "the new revision's log" seq_in locals/pool-707 "loading update data from rev 'locals/pool-707' after reboot..." \
		"added pool 'internal': type=bridge, subnet=10.0.7.0/24, gateway=10.0.7.1, nat=yes" "created bridge pvbr0 with IP 10.0.7.1/24" \
		"allocated 10.0.7.2/24 to pv-example-net-server from pool internal" "Awaiting to set rollback point if update is stable" \
		"preparing revision locals/pool-707 to be commited..." "revision locals/pool-707 commited"
	check "pvbr0 only on the new gateway" eq "$(dx 'ip addr show pvbr0' | grep -o 'inet [0-9./]*' | tr '\n' ' ')" "inet 10.0.7.1/24 "
	check "net-server in the new subnet" eq "$(state_ip pv-example-net-server)" "RUNNING/10.0.7.2"
	check "known issue: the old subnet's NAT rules stay" test "$(masq_for 10.0.5.0/24)" -ge 1
	check "one rule for the new subnet" eq "$(masq_for 10.0.7.0/24)" 1
	check "pv_rev is the new revision (committed), pv_try emptied" eq "$(dx "tr '\\0' '|' < $S/boot/uboot.txt")/$(current)" "pv_rev=locals/pool-707|pv_try=||/locals/pool-707"
	check "net-server -> 198.51.100.1 through the new NAT" eq "$(docker exec "$C" pventer -c pv-example-net-server ping -c 2 198.51.100.1 2>&1 | sed -n 's/.* \([0-9]*\)% packet loss.*/\1/p')" 0
}

t_reboot_update_fails() {
	derive
	echo "# a reboot update whose tried revision fails: rollback by the launcher to the last DONE revision"
	boot "pv-example-device-ipam pv-example-net-server" || return
	check "the update replaces device.json and adds ipam-nopool" update bad-reboot add "$WORK/$DEV707" add "$DEPLOY/pv-example-ipam-nopool.pvrexport.tgz"
	check "ERROR" wait_final locals/bad-reboot 60
	check "tried once, then pv_rev with the try still named" wait_until 30 eval 'dx "grep -qF \"launching pantavisor rev=0 (try=locals/bad-reboot)\" /tmp/pv-appengine.out"'
	check "the tried revision's log: teardown, rollback" seq_in locals/bad-reboot "loading update data from rev 'locals/bad-reboot' after reboot..." \
		"references unknown pool 'does-not-exist'" "Tearing down..." "next state: 'STATE_ROLLBACK'" "next state: 'STATE_REBOOT'"
	check "rev 0's log: the rolled-back boot" wait_until 30 seq_in 0 "running new state requires reboot" "coming from a rolled back revision" \
		"(pv_bootloader_fail_update:247) setting failed revision locals/bad-reboot not to be started after next reboot" "state revision '0' status is now READY"
	check "back on rev 0 on the old subnet, pv_try emptied" wait_until 20 eval '[ "$(current)/$(state_ip pv-example-net-server)/$(dx "tr \"\\0\" \"|\" < $S/boot/uboot.txt")" = "0/RUNNING/10.0.5.2/pv_rev=0|pv_try=||" ]'
}

t_recovery() {
	local pid
	derive
	echo "# recovery-delayed / recovery-exhausted: net-server with retry_delay 2, max_retries 2, backoff_policy reboot (observed §12.1, §12.3)"
	boot "pv-example-device-ipam $WORK/$REC2" || return
	check "pvcontrol ls shows the policy" eq "$(docker exec "$C" pvcontrol ls | jq -c '.[0].auto_recovery')" '{"policy":"on-failure","max_retries":2,"current_retries":0,"stable_timeout":30,"is_stable":"false","backoff_policy":"reboot"}'
	pid=$(pid_of pv-example-net-server)
	dx 'kill -9 $(lxc-info -n pv-example-net-server -p -H)'
	check "RECOVERING" wait_until 10 eval '[ "$(docker exec "$C" pvcontrol ls | jq -r ".[0].status")" = RECOVERING ]'
	check "RUNNING again on 10.0.5.2" wait_until 20 eval '[ "$(state_ip pv-example-net-server)" = RUNNING/10.0.5.2 ]'
	check "attempt 1/2, RECOVERING, timer, reused lease, READY in order" seq_in 0 \
		"INFO$T -- [state]: (pv_state_check_auto_recovery:805) platform 'pv-example-net-server' crashed. Attempting auto-recovery (attempt 1/2) in 2 seconds..." \
		"INFO$T -- [platforms]: (pv_platform_set_status:238) platform 'pv-example-net-server' status is now RECOVERING" \
		"INFO$T -- [state]: (pv_state_run:894) recovery timer finished for platform 'pv-example-net-server'. Restarting..." \
		"DEBUG$T -- [ipam]: (pv_ipam_allocate:273) reusing existing lease for pv-example-net-server: 10.0.5.2/24" \
		"INFO$T -- [state]: (pv_state_set_status:556) state revision '0' status is now READY"
	check "no teardown, a new pid, current_retries 1, still one masquerade rule" eq "$(count 0 "Tearing down")/$([ "$(pid_of pv-example-net-server)" != "$pid" ] && echo new)/$(docker exec "$C" pvcontrol ls | jq '.[0].auto_recovery.current_retries')/$(masq)" "0/new/1/1"
	dx 'kill -9 $(lxc-info -n pv-example-net-server -p -H)'
	check "attempt 2/2 (backoff_factor 2: 4 seconds)" wait_until 10 eval '[ "$(count 0 "(attempt 2/2) in 4 seconds...")" = 1 ]'
	check "RUNNING again on 10.0.5.2" wait_until 20 eval '[ "$(state_ip pv-example-net-server)" = RUNNING/10.0.5.2 ]'
	dx 'kill -9 $(lxc-info -n pv-example-net-server -p -H)'
	check "exhausted: reached max retries, reboot, in order" wait_until 15 seq_in 0 \
		"WARN$T -- [state]: (pv_state_check_auto_recovery:754) platform 'pv-example-net-server' reached max retries (2)." \
		"WARN$T -- [state]: (pv_state_check_auto_recovery:768) backoff_policy=reboot — triggering reboot" \
		"ERROR$T -- [state]: (pv_state_run:868) platform 'pv-example-net-server' suddenly stopped" \
		"ERROR$T -- [controller]: (_pv_wait:502) a platform did not work as expected. Tearing down..."
	check "relaunch: the same IP by a fresh allocation" wait_until 30 eval '[ "$(count 0 "allocated 10.0.5.2/24 to pv-example-net-server from pool internal")" = 2 ] && [ "$(state_ip pv-example-net-server)" = RUNNING/10.0.5.2 ]'
	check "current_retries 0 again, 2 masquerade rules" eq "$(docker exec "$C" pvcontrol ls | jq '.[0].auto_recovery.current_retries')/$(masq)" "0/2"
}

t_recovery_immediate() {
	derive
	echo "# recovery-immediate: retry_delay 0 (observed §12.2)"
	boot "pv-example-device-ipam $WORK/$REC0" || return
	dx 'kill -9 $(lxc-info -n pv-example-net-server -p -H)'
	check "RUNNING again on 10.0.5.2" wait_until 10 eval '[ "$(count 0 "reusing existing lease")" = 1 ] && [ "$(state_ip pv-example-net-server)" = RUNNING/10.0.5.2 ]'
	check "attempt 1/2 in 0 seconds, reused lease, no RECOVERING status" eq "$(count 0 "Attempting auto-recovery (attempt 1/2) in 0 seconds...")/$(count 0 "reusing existing lease for pv-example-net-server: 10.0.5.2/24")/$(count 0 "status is now RECOVERING")" 1/1/0
}

t_variants() {
	derive
	echo "# variants pool-reparse-fixed, nat-idempotent, nat-stale-removed: the known issues fixed (XPASS)"
	boot "pv-example-device-ipam pv-example-net-server" "" pool-reparse-fixed,nat-idempotent,nat-stale-removed || return
	check "add-client" update add-client add "$DEPLOY/pv-example-net-client.pvrexport.tgz"
	check "UPDATED" wait_final locals/add-client 30
	check "no 'failed to add pool' logged or reported (no logs key)" eq "$(count 0 "failed to add pool")/$(progress locals/add-client | jq -r 'has("logs")')" "0/false"
	check "one masquerade rule after the transition" eq "$(masq)" 1
	check "pool change" update pool-707 add "$WORK/$DEV707"
	check "DONE" wait_final locals/pool-707 60
	check "no rule left for the old subnet, one for the new" eq "$(masq_for 10.0.5.0/24)/$(masq_for 10.0.7.0/24)" "0/1"
}

t_faults() {
	local spid
	derive
	echo "# faults for issue 16's checks"
	boot "pv-example-device-ipam pv-example-net-server" update-restarts-unchanged,stale-logs-current,update-wrong-status || return
	spid=$(pid_of pv-example-net-server)
	update add-client add "$DEPLOY/pv-example-net-client.pvrexport.tgz" && wait_final locals/add-client 30
	check "update-wrong-status: a non-reboot update reports DONE" eq "$(pstatus locals/add-client)" DONE
	check "update-restarts-unchanged: net-server restarted (new pid, a start line)" eq "$([ "$(pid_of pv-example-net-server)" != "$spid" ] && echo new)/$(count locals/add-client "started platform 'pv-example-net-server'")" "new/1"
	check "stale-logs-current: logs/current still 0" eq "$(current)" 0

	boot "pv-example-device-ipam pv-example-net-server" update-never-finishes || return
	update add-client add "$DEPLOY/pv-example-net-client.pvrexport.tgz"
	check "update-never-finishes: still TESTING after 15 s" eval 'wait_final locals/add-client 15 >/dev/null; [ "$(pstatus locals/add-client)" = TESTING ]'

	boot "pv-example-device-ipam pv-example-net-server" update-no-rollback || return
	update bad-pool add "$DEPLOY/pv-example-ipam-nopool.pvrexport.tgz" && wait_until 30 eval '[ "$(count locals/bad-pool "Tearing down")" -ge 1 ]'
	check "update-no-rollback: no STATE_ROLLBACK" eq "$(count locals/bad-pool "STATE_ROLLBACK")" 0
	check "update-no-rollback: the failed revision boots again" wait_until 30 eval '[ "$(count locals/bad-pool "Tearing down")" -ge 2 ]'
	check "update-no-rollback: not back on rev 0" eq "$(current)" locals/bad-pool

	boot "pv-example-device-ipam $WORK/$REC2" recovery-teardown || return
	dx 'kill -9 $(lxc-info -n pv-example-net-server -p -H)'
	check "recovery-teardown: suddenly stopped, no attempt" wait_until 10 eval '[ "$(count 0 "suddenly stopped")/$(count 0 "Attempting auto-recovery")" = 1/0 ]'

	boot "pv-example-device-ipam $WORK/$REC2" recovery-new-ip || return
	dx 'kill -9 $(lxc-info -n pv-example-net-server -p -H)'
	check "recovery-new-ip: back on another address" wait_until 20 eval '[ "$(state_ip pv-example-net-server)" = RUNNING/10.0.5.3 ]'

	boot "pv-example-device-ipam $WORK/$REC2" recovery-no-delay,recovery-never-reboots || return
	dx 'kill -9 $(lxc-info -n pv-example-net-server -p -H)'
	check "recovery-no-delay: 'in 2 seconds' logged, no RECOVERING" wait_until 10 eval '[ "$(count 0 "in 2 seconds...")/$(count 0 "status is now RECOVERING")/$(state_ip pv-example-net-server)" = 1/0/RUNNING/10.0.5.2 ]'
	dx 'kill -9 $(lxc-info -n pv-example-net-server -p -H)'
	wait_until 10 eval '[ "$(state_ip pv-example-net-server)" = RUNNING/10.0.5.2 ] && [ "$(count 0 "attempt 2/2")" = 1 ]'
	dx 'kill -9 $(lxc-info -n pv-example-net-server -p -H)'
	check "recovery-never-reboots: max retries reached, no reboot, left STOPPED" wait_until 10 eval '[ "$(count 0 "reached max retries")/$(count 0 "Tearing down")/$(state_ip pv-example-net-server)" = 1/0/STOPPED/- ]'
}

want=("$@")
[ ${#want[@]} -gt 0 ] || want=(UPD UPDR REC RECI V F)
for w in "${want[@]}"; do
	case "$w" in
	UPD) t_updates ;; UPDR) t_reboot_update_fails ;; REC) t_recovery ;; RECI) t_recovery_immediate ;; V) t_variants ;; F) t_faults ;;
	*) echo "selftest-updates: unknown case $w" >&2 ;;
	esac
done
echo "$PASS passed, $FAIL failed"
[ "$FAIL" = 0 ]
