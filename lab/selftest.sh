#!/usr/bin/env bash
# Self-test of the pv-ipam-tests APPENGINE LAB (independent of the TypeScript toolkit).
# Runs the test plan's scenarios (Tests 1,2,3,4,6,7,8,9) and the observed beyond-plan ones
# (invalid, collision, pool exhaustion, static restart, no NAT backend, iptables fallback,
# cross-pool isolation, auto-recovery, pantavisor relaunch, loop devices) by hand against the lab
# image, checks the facts-file / observed-file outcomes, then checks that every LAB_FAULTS defect
# breaks what it should and that LAB_VARIANTS switch their behaviour.
#
#   lab/selftest.sh            # all scenarios
#   lab/selftest.sh T1 T3 F    # some of them: T1 T2 T3 T6 T7 T7pipe T8 T9 (plan)
#                              # INV COL EXH SR NONAT IPT T5 REC REL LOOP (beyond the plan)
#                              # V (variants) F (faults: plan) F2 (faults: beyond the plan)
#
# Needs `lab/build.sh` first. Uses container 'pv-lab-selftest' (LAB_SELFTEST_NAME; 'labdev-selftest'
# for a LAB_IMAGE tagged :dev) and volume '<container>-storage', and removes both on exit. Prints "N passed, N failed" last; exits non-zero on any failure.
set -uo pipefail

LAB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
DEPLOY=$LAB_DIR/out/deploy
IMAGE=${LAB_IMAGE:-pantavisor-appengine-lab:latest}
# container/volume names: LAB_SELFTEST_NAME, else labdev-selftest for a :dev image (so a
# development run never touches another run's pv-lab-selftest), else pv-lab-selftest
case "$IMAGE" in *:dev) _name=labdev-selftest ;; *) _name=pv-lab-selftest ;; esac
C=${LAB_SELFTEST_NAME:-$_name}
V=$C-storage
LOG=/var/pantavisor/storage/logs/0/pantavisor/pantavisor.log
WORK=$(mktemp -d "${TMPDIR:-/tmp}/pv-lab-selftest.XXXXXX")
PASS=0 FAIL=0

# stop the lab (no relaunch may attach another loop device meanwhile), then detach every loop
# device whose backing file is in this container's storage (seen from here, another container's
# files have other paths), so that removing the container leaks none on the host
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
cleanup() {
	remove_container
	rm -rf "$WORK"
}
trap cleanup EXIT
[ -d "$DEPLOY" ] || { echo "selftest: $DEPLOY missing: run lab/build.sh first" >&2; exit 1; }
docker image inspect "$IMAGE" >/dev/null 2>&1 || { echo "selftest: image $IMAGE missing: run lab/build.sh first" >&2; exit 1; }

ok() { PASS=$((PASS + 1)); echo "  ok   - $*"; }
bad() { FAIL=$((FAIL + 1)); echo "  FAIL - $*"; }
check() { # DESCRIPTION COMMAND...
	local d=$1; shift
	if "$@"; then ok "$d"; else bad "$d"; fi
}
dx() { docker exec "$C" sh -c "$1"; }
lxcls() { dx 'lxc-ls -f' 2>/dev/null; }
ip_of() { lxcls | awk -v n="$1" '$1 == n { print $5 }'; }
state_of() { lxcls | awk -v n="$1" '$1 == n { print $2 }'; }
log_has() { docker exec "$C" grep -qF -- "$1" "$LOG"; }
log_count() { local n; n=$(docker exec "$C" grep -cF -- "$1" "$LOG" 2>/dev/null); echo "${n:-0}"; }
test_log_count() { [ "$(log_count "$1")" -ge "$2" ]; }
out_count() { local n; n=$(docker exec "$C" grep -cF -- "$1" /tmp/pv-appengine.out 2>/dev/null); echo "${n:-0}"; }
READY="state revision '0' status is now READY"
# log_seq TEXT...: the log has lines containing each TEXT, in this order (not necessarily adjacent)
log_seq() {
	docker exec "$C" cat "$LOG" >"$WORK/log.txt" 2>/dev/null || return 1
	local t at=0 n
	for t in "$@"; do
		n=$(awk -v t="$t" -v from="$at" 'NR > from && index($0, t) { print NR; exit }' "$WORK/log.txt")
		if [ -z "$n" ]; then echo "       not found after line $at: '$t'"; return 1; fi
		at=$n
	done
}
# wait_for SECS CMD...: poll CMD until it succeeds or SECS pass
wait_for() {
	local secs=$1 i
	shift
	for ((i = 0; i < secs * 2; i++)); do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.5
	done
	echo "       timed out after ${secs}s waiting for: $*"
	return 1
}
# wait_eq SECS WANT CMD...: poll until CMD prints WANT
wait_eq() {
	local secs=$1 want=$2 got i
	shift 2
	for ((i = 0; i < secs * 2; i++)); do
		got=$("$@" 2>/dev/null)
		[ "$got" = "$want" ] && return 0
		sleep 0.5
	done
	echo "       got '$got', want '$want' (polled ${secs}s)"
	return 1
}
# never_within SECS CMD...: CMD does not succeed during SECS (polled)
never_within() {
	local secs=$1 i
	shift
	for ((i = 0; i < secs * 2; i++)); do
		"$@" >/dev/null 2>&1 && { echo "       happened: $*"; return 1; }
		sleep 0.5
	done
	return 0
}
no_running() { ! lxcls | grep -q RUNNING; }
state_ip() { echo "$(state_of "$1")/$(ip_of "$1")"; }
pv_main_pid() { dx 'cat /run/pv-lab/pantavisor.pid'; }
eq() { [ "$1" = "$2" ] || { echo "       got '$1', want '$2'"; return 1; }; }
not() { ! "$@"; }

# boot EXPORTS FAULTS [MODE]: MODE=file (output redirected, default) or pipe (plan's bare '&').
# From the caller's environment: VARIANTS (LAB_VARIANTS), PRE (a command run in the container
# before pv-appengine starts, e.g. hiding nft), NOLOOP=1 (no /dev/loop-control in the container).
boot() {
	local exports=$1 faults=$2 mode=${3:-file} e loopopts=(--device /dev/loop-control --device-cgroup-rule 'b 7:* rmw')
	[ "${NOLOOP:-0}" = 1 ] && loopopts=()
	remove_container
	rm -rf "$WORK/pvtx.d"
	mkdir -p "$WORK/pvtx.d"
	for e in $exports; do
		if [ -f "$e" ]; then cp "$e" "$WORK/pvtx.d/"; else cp "$DEPLOY/$e.pvrexport.tgz" "$WORK/pvtx.d/"; fi
	done
	docker volume create --label pv-ipam-tests=1 "$V" >/dev/null
	docker run --name "$C" -d --label pv-ipam-tests=1 --network none --cap-add NET_ADMIN --cap-add SYS_ADMIN \
		--cap-add NET_RAW "${loopopts[@]}" -e LAB_FAULTS="$faults" -e LAB_VARIANTS="${VARIANTS:-}" \
		-v "$WORK/pvtx.d:/usr/lib/pantavisor/pvtx.d" \
		-v "$V:/var/pantavisor/storage" --entrypoint /bin/sh "$IMAGE" -c "sleep infinity" >/dev/null
	[ -n "${PRE:-}" ] && docker exec "$C" sh -c "$PRE"
	if [ "$mode" = pipe ]; then
		docker exec "$C" sh -c 'pv-appengine &' >/dev/null
	else
		docker exec "$C" sh -c 'pv-appengine > /tmp/pv-appengine.out 2>&1 &'
	fi
}

# wait_log TEXT [COUNT] [SECS]: poll the log until TEXT appears COUNT times
wait_log() {
	local t=$1 n=${2:-1} secs=${3:-40} i
	for ((i = 0; i < secs * 2; i++)); do
		[ "$(log_count "$t")" -ge "$n" ] && return 0
		sleep 0.5
	done
	echo "       timed out waiting for '$t' x$n"
	return 1
}

ping_loss() { # CONTAINER TARGET -> prints the loss percentage
	docker exec "$C" pventer -c "$1" ping -c 2 "$2" 2>&1 | sed -n 's/.* \([0-9]*\)% packet loss.*/\1/p'
}

masq_count() { dx 'nft list ruleset' | grep -c "masquerade"; }

t1() {
	echo "# Test 1: basic pool allocation"
	boot "pv-example-device-ipam pv-example-net-server pv-example-net-client" ""
	wait_log "state revision '0' status is now READY" || return
	check "client RUNNING" eq "$(state_of pv-example-net-client)" RUNNING
	check "client 10.0.5.2" eq "$(ip_of pv-example-net-client)" 10.0.5.2
	check "server 10.0.5.3" eq "$(ip_of pv-example-net-server)" 10.0.5.3
	check "pvbr0 10.0.5.1/24" dx 'ip addr show pvbr0 | grep -q "inet 10.0.5.1/24 brd 10.0.5.255"'
	check "lxcbr0 10.0.3.1/24" dx 'ip addr show lxcbr0 | grep -q "inet 10.0.3.1/24"'
	check "device.json has 10.0.5.0/24" dx 'grep -q 10.0.5.0/24 /var/pantavisor/storage/trails/0/device.json'
	check "one masquerade rule" eq "$(masq_count)" 1
	check "nft rule text" dx 'nft list ruleset | grep -qF "ip saddr 10.0.5.0/24 oifname != \"pvbr0\" masquerade"'
	check "log: added pool" log_has "added pool 'internal': type=bridge, subnet=10.0.5.0/24, gateway=10.0.5.1, nat=yes"
	check "log: allocated .2 to client" log_has "allocated 10.0.5.2/24 to pv-example-net-client from pool internal"
	check "log: IPAM subsystem initialized" log_has "IPAM subsystem initialized"
	check "log line format" dx "grep -q '^\[pantavisor\] [0-9][0-9]* INFO$(printf '\t') -- \[ipam\]: (pv_ipam_allocate:[0-9][0-9]*) allocated ' $LOG"
	check "pvcontrol ls JSON" dx 'pvcontrol containers ls | jq -e "length == 2 and .[0].status == \"STARTED\"" >/dev/null'
	check "lxc-ls trailing spaces" dx 'lxc-ls -f | head -1 | grep -q "UNPRIVILEGED $"'
	check "a loop device per running container (busybox losetup -a)" eq "$(loops)" "pv-example-net-client pv-example-net-server"
}

# loops: the platforms whose root.squashfs has a loop device attached, as busybox 'losetup -a'
# lists them (it prints the kernel's lo_file_name: at most 63 characters)
loops() {
	dx 'losetup -a' | sed -n 's|^/dev/loop[0-9]*: 0 /var/pantavisor/storage/trails/0/\([^/]*\)/.*|\1|p' | sort | tr '\n' ' ' | sed 's/ $//'
}

t2() {
	echo "# Test 2: static IP"
	boot "pv-example-device-ipam pv-example-ipam-valid" ""
	wait_log "state revision '0' status is now READY" || return
	check "valid 10.0.5.50" eq "$(ip_of pv-example-ipam-valid)" 10.0.5.50
	check "log: reserved" log_has "reserved 10.0.5.50 for pv-example-ipam-valid in pool internal"
	check "log: no allocated line" eq "$(log_count "allocated ")" 0
	check "log: MAC from IP" log_has "platform 'pv-example-ipam-valid' IP 10.0.5.50 MAC 02:00:0a:00:05:32 on bridge pvbr0"
	check "classful /8 inside the container" dx 'pventer -c pv-example-ipam-valid ip addr | grep -q "inet 10.0.5.50/8"'
}

t3() {
	local faults=${1:-}
	echo "# Test 3/4: two pools, NAT vs no-NAT${faults:+ (LAB_FAULTS=$faults)}"
	boot "pv-example-device-ipam-2pools pv-example-net-server pv-example-net-lab-server" "$faults"
	wait_log "state revision '0' status is now READY" || return
	check "lab-server 10.0.6.2" eq "$(ip_of pv-example-net-lab-server)" 10.0.6.2
	check "server 10.0.5.2" eq "$(ip_of pv-example-net-server)" 10.0.5.2
	check "one masquerade rule, for 10.0.5.0/24" eq "$(dx 'nft list ruleset' | grep masquerade | tr -d '\t')" 'ip saddr 10.0.5.0/24 oifname != "pvbr0" masquerade'
	check "server -> 198.51.100.1: 0% loss" eq "$(ping_loss pv-example-net-server 198.51.100.1)" 0
	check "lab-server -> 198.51.100.1: 100% loss" eq "$(ping_loss pv-example-net-lab-server 198.51.100.1)" 100
	check "lab-server -> 10.0.6.1: 0% loss" eq "$(ping_loss pv-example-net-lab-server 10.0.6.1)" 0
	check "log: nat=yes / nat=no" log_has "added pool 'lab': type=bridge, subnet=10.0.6.0/24, gateway=10.0.6.1, nat=no"
	check "log: NAT for internal" log_has "setup NAT (nftables) for pool internal"
	check "log: no NAT for lab" eq "$(log_count "for pool lab")" 0
	check "log: no iptables" eq "$(log_count "(iptables)")" 0
	check "nft chain srcnat" dx 'nft list ruleset | grep -q "type nat hook postrouting priority srcnat; policy accept;"'
	[ -n "$faults" ] && return
	# HEAD has no isolation (observed §7): cross-pool traffic is open both ways
	check "HEAD: server -> lab-server 0% loss" eq "$(ping_loss pv-example-net-server 10.0.6.2)" 0
	check "HEAD: lab-server -> server 0% loss" eq "$(ping_loss pv-example-net-lab-server 10.0.5.2)" 0
	check "HEAD: no pv_ipam table, no isolation line" eq "$(dx 'nft list ruleset' | grep -c pv_ipam)/$(log_count "pool isolation")" 0/0
}

t6() {
	echo "# Test 6: lease stability across stop/start"
	boot "pv-example-device-ipam pv-example-net-server" ""
	wait_log "state revision '0' status is now READY" || return
	check "baseline 10.0.5.2" eq "$(ip_of pv-example-net-server)" 10.0.5.2
	check "stop: exit 0, prints an empty line" eq "$(docker exec "$C" pvcontrol containers stop pv-example-net-server | od -An -c | tr -d ' ')" '\n'
	check "STOPPED" eq "$(state_of pv-example-net-server)" STOPPED
	check "stopped IPV4 is -" eq "$(ip_of pv-example-net-server)" "-"
	check "stop detaches its loop device" eq "$(loops)" ""
	check "pventer refuses a stopped container" eq "$(docker exec "$C" pventer -c pv-example-net-server true; echo "rc=$?")" "no container found: pv-example-net-server
rc=1"
	check "start: exit 0" eq "$(docker exec "$C" pvcontrol containers start pv-example-net-server; echo "rc=$?")" "
rc=0"
	wait_log "state revision '0' status is now READY" 2 20
	check "same IP after start" eq "$(ip_of pv-example-net-server)" 10.0.5.2
	check "start attaches a loop device again" eq "$(loops)" pv-example-net-server
	check "one allocated line" eq "$(log_count "allocated 10.0.5.2/24 to pv-example-net-server")" 1
	check "one reusing line" eq "$(log_count "reusing existing lease for pv-example-net-server: 10.0.5.2/24")" 1
	check "start when running: 200" eq "$(docker exec "$C" pvcontrol containers start pv-example-net-server; echo "rc=$?")" "
rc=0"
	check "unknown container: 404 body, exit 255" eq "$(docker exec "$C" pvcontrol containers stop nosuch 2>&1; echo "rc=$?")" '{"Error":"Container not found"}
rc=255'
	# one call at a time (real pv-ctrl, dev/README.md): of two started together, one gets no answer
	check "two pvcontrol calls at once: the second gets no response" eq "$(docker exec "$C" sh -c 'for i in 1 2 3 4 5; do pvcontrol containers ls >/dev/null 2>&1 & sleep 0.01; pvcontrol containers ls 2>&1 >/dev/null | head -1; wait; done' | sort -u)" "ERROR: got no response"
	check "one after another: both answer" eq "$(docker exec "$C" sh -c 'pvcontrol containers ls >/dev/null && pvcontrol containers ls >/dev/null; echo rc=$?')" "rc=0"
}

t7() {
	local mode=${1:-file}
	echo "# Test 7: unknown pool refused ($mode)"
	boot "pv-example-device-ipam pv-example-net-server pv-example-ipam-nopool" "" "$mode"
	wait_log "Tearing down" || return
	check "lxc-ls prints nothing" eq "$(dx 'lxc-ls -f' | wc -c)" 0
	check "refusal sequence in order" dx "grep -E 'unknown pool|failed IPAM network validation|could not be started|did not work as expected' $LOG | head -4 | sed 's/.*\]: ([^)]*) //' | tr '\n' '|' | grep -qF \"platform 'pv-example-ipam-nopool' references unknown pool 'does-not-exist', refusing to start|platform 'pv-example-ipam-nopool' failed IPAM network validation, triggering rollback if in try-boot|platform pv-example-ipam-nopool could not be started|a platform did not work as expected. Tearing down...|\""
	check "appengine-mode reboot lines" log_has "will not actually perform 'reboot' as we are in appengine mode"
	if [ "$mode" = file ]; then
		check "refusal repeats after relaunch" wait_log "Tearing down" 2 30
		check "lxcbr0 WARN on relaunch" log_has "unable to create bridge dev lxcbr0: File exists"
		check "masquerade rule appended per launch" test "$(masq_count)" -ge 2
	else
		# a relaunch would repeat the refusal within ~6 s: watch for 15 s that it does not
		check "bare '&': no relaunch (SIGPIPE)" never_within 15 test_log_count "Tearing down" 2
	fi
}

t8() {
	local faults=${1:-}
	echo "# Test 8: baked lxc.net.* refused${faults:+ (LAB_FAULTS=$faults)}"
	local x=$WORK/t8 conf sha old
	rm -rf "$x"
	mkdir -p "$x"
	tar -xzf "$DEPLOY/pv-example-net-pvcnet.pvrexport.tgz" -C "$x"
	old=$(jq -r '.["pv-example-net-pvcnet/lxc.container.conf"]' "$x/json")
	conf=$x/objects/$old
	printf 'lxc.net.0.type = veth\n' >>"$conf"
	sha=$(sha256sum "$conf" | cut -d' ' -f1)
	mv "$conf" "$x/objects/$sha"
	jq --arg s "$sha" '.["pv-example-net-pvcnet/lxc.container.conf"] = $s' "$x/json" >"$x/json.new" && mv "$x/json.new" "$x/json"
	mkdir -p "$x/out"
	(cd "$x" && tar -cf - json $(cd "$x" && ls objects/* ) | gzip -n >"$x/out/pv-example-net-pvcnet-bakednet.pvrexport.tgz")
	boot "pv-example-device-ipam-lxcbr $x/out/pv-example-net-pvcnet-bakednet.pvrexport.tgz" "$faults"
	if [ -n "$faults" ]; then
		wait_log "state revision '0' status is now READY" || return
		check "defect: container RUNNING" eq "$(state_of pv-example-net-pvcnet)" RUNNING
		check "defect: no refusal" eq "$(log_count "refused by backend")" 0
		return
	fi
	wait_log "Tearing down" || return
	check "pv_lxc refusal" log_has "platform 'pv-example-net-pvcnet' declares an IPAM pool but its lxc.container.conf already contains lxc.net.* entries"
	check "refused by backend pre-start validation" log_has "platform 'pv-example-net-pvcnet' refused by backend pre-start validation"
	check "could not be started" log_has "platform pv-example-net-pvcnet could not be started"
	check "no 'failed IPAM network validation'" eq "$(log_count "failed IPAM network validation")" 0
	check "no allocation" eq "$(log_count "allocated ")" 0
	check "lxc-ls prints nothing" eq "$(dx 'lxc-ls -f' | wc -c)" 0
}

t9() {
	local faults=${1:-}
	echo "# Test 9: static-IP reservation${faults:+ (LAB_FAULTS=$faults)}"
	boot "pv-example-device-ipam-lxcbr pv-example-ipam-static pv-example-net-pvcnet" "$faults"
	wait_log "state revision '0' status is now READY" || return
	if [ -n "$faults" ]; then
		check "defect: pvcnet takes 10.0.3.2" eq "$(ip_of pv-example-net-pvcnet)" 10.0.3.2
		check "defect: no reservation line" eq "$(log_count "reserved static IP")" 0
		return
	fi
	check "static 10.0.3.2" eq "$(ip_of pv-example-ipam-static)" 10.0.3.2
	check "pvcnet 10.0.3.3" eq "$(ip_of pv-example-net-pvcnet)" 10.0.3.3
	check "log: reserved static" log_has "reserved static IP 10.0.3.2 (from pv-example-ipam-static) in pool 'pvcnet'"
	check "log: allocated .3" log_has "allocated 10.0.3.3/24 to pv-example-net-pvcnet from pool pvcnet"
	check "log: created bridge lxcbr0" log_has "created bridge lxcbr0 with IP 10.0.3.1/24"
	check "log: NAT pvcnet" log_has "setup NAT (nftables) for pool pvcnet"
	check "log order" dx "grep -E 'created bridge|setup NAT|reserved static|allocated' $LOG | sed 's/^[^(]*([^)]*) //' | tr '\n' '|' | grep -qF 'created bridge lxcbr0 with IP 10.0.3.1/24|setup NAT (nftables) for pool pvcnet|reserved static IP 10.0.3.2 (from pv-example-ipam-static) in pool '\''pvcnet'\''|allocated 10.0.3.3/24 to pv-example-net-pvcnet from pool pvcnet|'"
	check "static -> pvcnet ping" eq "$(ping_loss pv-example-ipam-static 10.0.3.3)" 0
}

faults() {
	echo "# Faults"
	boot "pv-example-device-ipam pv-example-net-server pv-example-net-client" "no-bridge"
	if wait_log "state revision '0' status is now READY"; then
		check "no-bridge: pvbr0 has no address" not dx 'ip addr show pvbr0 | grep -q inet'
	fi
	boot "pv-example-device-ipam pv-example-net-server pv-example-net-client" "duplicate-ip"
	if wait_log "state revision '0' status is now READY"; then
		check "duplicate-ip: client and server share 10.0.5.2" eq "$(ip_of pv-example-net-client)/$(ip_of pv-example-net-server)" 10.0.5.2/10.0.5.2
	fi
	boot "pv-example-device-ipam pv-example-ipam-valid" "ignore-static-ip"
	if wait_log "state revision '0' status is now READY"; then
		check "ignore-static-ip: valid gets 10.0.5.2" eq "$(ip_of pv-example-ipam-valid)" 10.0.5.2
	fi
	boot "pv-example-device-ipam-2pools pv-example-net-server pv-example-net-lab-server" "nat-every-pool"
	if wait_log "state revision '0' status is now READY"; then
		check "nat-every-pool: rule for 10.0.6.0/24" dx 'nft list ruleset | grep -q "ip saddr 10.0.6.0/24"'
		check "nat-every-pool: lab-server reaches 198.51.100.1" eq "$(ping_loss pv-example-net-lab-server 198.51.100.1)" 0
	fi
	boot "pv-example-device-ipam-2pools pv-example-net-server pv-example-net-lab-server" "no-nat"
	if wait_log "state revision '0' status is now READY"; then
		check "no-nat: no masquerade" eq "$(masq_count)" 0
		check "no-nat: log still claims NAT" log_has "setup NAT (nftables) for pool internal"
		check "no-nat: server 100% loss" eq "$(ping_loss pv-example-net-server 198.51.100.1)" 100
	fi
	boot "pv-example-device-ipam pv-example-net-server" "nat-iptables"
	if wait_log "state revision '0' status is now READY"; then
		check "nat-iptables: iptables log line" log_has "setup NAT (iptables) for pool internal"
		check "nat-iptables: iptables-nft ruleset" dx 'nft list ruleset | grep -q "chain POSTROUTING"'
		check "nat-iptables: NAT still works" eq "$(ping_loss pv-example-net-server 198.51.100.1)" 0
	fi
	boot "pv-example-device-ipam pv-example-net-server" "no-lease-reuse"
	if wait_log "state revision '0' status is now READY"; then
		docker exec "$C" pvcontrol containers stop pv-example-net-server >/dev/null
		docker exec "$C" pvcontrol containers start pv-example-net-server >/dev/null
		wait_log "state revision '0' status is now READY" 2 20
		check "no-lease-reuse: new IP after restart" eq "$(ip_of pv-example-net-server)" 10.0.5.3
		check "no-lease-reuse: no reusing line" eq "$(log_count "reusing existing lease")" 0
	fi
	boot "pv-example-device-ipam pv-example-net-server pv-example-ipam-nopool" "accept-unknown-pool"
	if wait_log "state revision '0' status is now READY"; then
		check "accept-unknown-pool: nopool RUNNING" eq "$(state_of pv-example-ipam-nopool)" RUNNING
		check "accept-unknown-pool: no refusal" eq "$(log_count "unknown pool")" 0
	fi
	t8 accept-baked-net
	t9 no-reservation
	echo "# Fault name validation"
	boot "pv-example-device-ipam" "no-such-fault"
	check "unknown fault: pv-appengine refuses" wait_for 10 dx 'grep -q "unknown fault" /tmp/pv-appengine.out && ! grep -q "launching pantavisor" /tmp/pv-appengine.out && ! [ -e /run/pv-lab/pantavisor.pid ]'
}

# ================================================================ beyond the plan (observed)
# derived exports, as the toolkit derives them: collision asking for 10.0.5.50 (run.json ip and
# src.json PV_NETWORK_IP), device-ipam with pool internal shrunk to 10.0.5.0/30
derive() {
	local d=$WORK/derived x
	[ -f "$d/pv-example-ipam-collision.pvrexport.tgz" ] && return 0
	mkdir -p "$d"
	x=$WORK/dx-collision && rm -rf "$x" && mkdir -p "$x"
	tar -xzf "$DEPLOY/pv-example-ipam-collision.pvrexport.tgz" -C "$x"
	jq '.["pv-example-ipam-collision/run.json"].network.ip = "10.0.5.50" | .["pv-example-ipam-collision/src.json"].args.PV_NETWORK_IP = "10.0.5.50"' "$x/json" >"$x/json.new" && mv "$x/json.new" "$x/json"
	(cd "$x" && tar -cf - json $(ls objects/*) | gzip -n >"$d/pv-example-ipam-collision.pvrexport.tgz")
	x=$WORK/dx-device30 && rm -rf "$x" && mkdir -p "$x"
	tar -xzf "$DEPLOY/pv-example-device-ipam.pvrexport.tgz" -C "$x"
	jq '.["device.json"].network.pools.internal.subnet = "10.0.5.0/30"' "$x/json" >"$x/json.new" && mv "$x/json.new" "$x/json"
	mkdir -p "$d/30" && (cd "$x" && tar -cf - json | gzip -n >"$d/30/pv-example-device-ipam.pvrexport.tgz")
}
COLLISION=derived/pv-example-ipam-collision.pvrexport.tgz
DEVICE30=derived/30/pv-example-device-ipam.pvrexport.tgz
HIDE_BOTH='for b in nft iptables; do p=$(command -v $b) && mv "$p" "$p.hidden"; done; true'
HIDE_NFT='p=$(command -v nft) && mv "$p" "$p.hidden"'
# iptables' view while the iptables link is hidden too (the multi-call binary stays)
ipt_rules() { dx 'xtables-nft-multi iptables -t nat -S' 2>/dev/null; }

t_invalid() {
	local faults=${1:-}
	echo "# invalid: static IP outside the pool (observed §2)${faults:+ (LAB_FAULTS=$faults)}"
	boot "pv-example-device-ipam pv-example-ipam-invalid pv-example-net-server" "$faults"
	if [ -n "$faults" ]; then
		wait_log "$READY" || return
		check "defect: ipam-invalid RUNNING on 192.168.99.100" eq "$(state_of pv-example-ipam-invalid)/$(ip_of pv-example-ipam-invalid)" RUNNING/192.168.99.100
		check "defect: no refusal" eq "$(log_count "not in pool")/$(log_count "Tearing down")" 0/0
		return
	fi
	wait_log "Tearing down" || return
	check "refusal sequence in order" log_seq "(pv_ipam_reserve:351) IP 192.168.99.100 not in pool 'internal' subnet" \
		"(pv_platform_start:1259) failed to reserve static IP 192.168.99.100 for platform 'pv-example-ipam-invalid' (already in use or outside subnet), refusing to start" \
		"(pv_platform_start:1314) platform 'pv-example-ipam-invalid' failed IPAM network validation, triggering rollback if in try-boot" \
		"(pv_state_start_platform:656) platform pv-example-ipam-invalid could not be started" \
		"(_pv_wait:502) a platform did not work as expected. Tearing down..."
	check "log levels/modules" log_seq "ERROR$(printf '\t') -- [ipam]: (pv_ipam_reserve:351)" "ERROR$(printf '\t') -- [controller]: (_pv_wait:502)"
	check "no released line" eq "$(log_count "released ")" 0
	check "net-server never mounted nor allocated" eq "$(log_count "mounting 'root.squashfs' from platform 'pv-example-net-server'")/$(log_count "allocated ")" 0/0
	check "lxc-ls prints nothing" eq "$(dx 'lxc-ls -f' | wc -c)" 0
	# as on the real appengine (test/fixtures/real-updates/boot-refusal-loops): the refused
	# platform was mounted, its loop device stays attached (one more per boot cycle); nothing else
	check "only the refused container's loop device stays attached" wait_eq 10 pv-example-ipam-invalid uniq_loops
}
uniq_loops() { loops | tr ' ' '\n' | sort -u | tr '\n' ' ' | sed 's/ $//'; }

t_collision() {
	local faults=${1:-}
	derive
	echo "# collision: two platforms ask for 10.0.5.50 (observed §3)${faults:+ (LAB_FAULTS=$faults)}"
	boot "pv-example-device-ipam $WORK/$COLLISION pv-example-ipam-valid" "$faults"
	if [ -n "$faults" ]; then
		wait_log "$READY" || return
		check "defect: both RUNNING on 10.0.5.50" eq "$(ip_of pv-example-ipam-collision)/$(ip_of pv-example-ipam-valid)" 10.0.5.50/10.0.5.50
		check "defect: no 'already in use'" eq "$(log_count "already in use")" 0
		return
	fi
	wait_log "Tearing down" || return
	check "collision wins, ipam-valid refused, in order" log_seq \
		"(pv_ipam_reserve:374) reserved 10.0.5.50 for pv-example-ipam-collision in pool internal" \
		"(pv_platform_start:1292) platform 'pv-example-ipam-collision' IP 10.0.5.50 MAC 02:00:0a:00:05:32 on bridge pvbr0" \
		"(pv_ipam_reserve:358) IP 10.0.5.50 already in use in pool 'internal'" \
		"(pv_platform_start:1259) failed to reserve static IP 10.0.5.50 for platform 'pv-example-ipam-valid' (already in use or outside subnet), refusing to start" \
		"(pv_platform_start:1314) platform 'pv-example-ipam-valid' failed IPAM network validation, triggering rollback if in try-boot" \
		"(pv_state_start_platform:656) platform pv-example-ipam-valid could not be started" \
		"(_pv_wait:502) a platform did not work as expected. Tearing down..."
	check "ipam-valid never started" eq "$(log_count "started LXC container 'pv-example-ipam-valid'")/$(log_count "platform 'pv-example-ipam-valid' status is now STARTED")" 0/0
	check "ipam-valid never RUNNING" not dx "lxc-ls -f | grep -q 'pv-example-ipam-valid *RUNNING'"
	check "refusal repeats after relaunch" wait_log "Tearing down" 2 30
	echo "# collision as exported (10.0.3.50): fails like invalid"
	boot "pv-example-device-ipam pv-example-ipam-collision pv-example-ipam-valid" ""
	wait_log "Tearing down" || return
	check "outside-subnet refusal of ipam-collision" log_seq "IP 10.0.3.50 not in pool 'internal' subnet" \
		"failed to reserve static IP 10.0.3.50 for platform 'pv-example-ipam-collision' (already in use or outside subnet), refusing to start" \
		"platform 'pv-example-ipam-collision' failed IPAM network validation" "platform pv-example-ipam-collision could not be started" "Tearing down..."
	check "ipam-valid never reserved, lxc-ls empty" eq "$(log_count "reserved 10.0.5.50")/$(dx 'lxc-ls -f' | wc -c)" 0/0
}

t_exhaustion() {
	local faults=${1:-}
	derive
	echo "# pool exhaustion: internal is 10.0.5.0/30 (observed §6)${faults:+ (LAB_FAULTS=$faults)}"
	boot "$WORK/$DEVICE30 pv-example-net-client pv-example-net-server" "$faults"
	if [ -n "$faults" ]; then
		wait_log "$READY" || return
		check "defect: server gets the broadcast 10.0.5.3/30" log_has "allocated 10.0.5.3/30 to pv-example-net-server from pool internal"
		check "defect: server RUNNING" eq "$(state_of pv-example-net-server)" RUNNING
		return
	fi
	wait_log "Tearing down" || return
	check "exhaustion sequence in order" log_seq \
		"(pv_ipam_add_pool:206) added pool 'internal': type=bridge, subnet=10.0.5.0/30, gateway=10.0.5.1, nat=yes" \
		"(setup_bridge:622) created bridge pvbr0 with IP 10.0.5.1/30" \
		"(pv_ipam_allocate:309) allocated 10.0.5.2/30 to pv-example-net-client from pool internal" \
		"(pv_platform_start:1292) platform 'pv-example-net-client' IP 10.0.5.2/30 MAC 02:00:0a:00:05:02 on bridge pvbr0" \
		"(pv_ipam_allocate:316) no available IPs in pool 'internal'" \
		"(pv_platform_start:1268) failed to allocate IP for platform 'pv-example-net-server' from pool 'internal' (pool exhausted), refusing to start" \
		"(pv_platform_start:1314) platform 'pv-example-net-server' failed IPAM network validation, triggering rollback if in try-boot" \
		"(pv_state_start_platform:656) platform pv-example-net-server could not be started" \
		"(_pv_wait:502) a platform did not work as expected. Tearing down..."
	# a teardown is not instant (observed §13): the client is still RUNNING right after it,
	# until the force stop LAB_STOP_DELAY (5) s after the lenient one
	check "client still RUNNING right after Tearing down" eq "$(state_of pv-example-net-client)" RUNNING
	check "nothing stays RUNNING" wait_for 10 no_running
	check "teardown force-stops after the lenient stop" log_seq "(pv_platform_stop:1428) leniently stopping platform 'pv-example-net-client'" \
		"(pv_state_run:884) platform 'pv-example-net-client' did not exit after lenient stop, force stopping"
	check "nft rule for the /30" dx 'nft list ruleset | grep -qF "ip saddr 10.0.5.0/30 oifname != \"pvbr0\" masquerade"'
}

t_static_restart() {
	local variant=${1:-}
	echo "# static-restart: stop/start of a static-IP container (observed §1)${variant:+ (LAB_VARIANTS=$variant)}"
	VARIANTS=$variant boot "pv-example-device-ipam pv-example-ipam-valid" ""
	wait_log "$READY" || return
	check "baseline RUNNING 10.0.5.50" eq "$(state_of pv-example-ipam-valid)/$(ip_of pv-example-ipam-valid)" RUNNING/10.0.5.50
	check "loop device attached while running" eq "$(loops)" pv-example-ipam-valid
	docker exec "$C" pvcontrol containers stop pv-example-ipam-valid >/dev/null 2>&1
	check "STOPPED, loop detached" eq "$(state_of pv-example-ipam-valid)/$(loops)" STOPPED/
	check "start: exit 0" eq "$(docker exec "$C" pvcontrol containers start pv-example-ipam-valid; echo "rc=$?")" "
rc=0"
	if [ "$variant" = static-restart-fixed ]; then
		wait_log "$READY" 2 20 || return
		check "variant: RUNNING 10.0.5.50 again" wait_eq 10 RUNNING/10.0.5.50 state_ip pv-example-ipam-valid
		check "variant: no refusal, no teardown" eq "$(log_count "already in use")/$(log_count "Tearing down")/$(log_count "released ")" 0/0/0
		check "variant: own lease reused" log_has "reusing existing lease for pv-example-ipam-valid: 10.0.5.50"
		return
	fi
	wait_log "Tearing down" 1 20 || return
	check "refusal sequence (with the READY line) in order" log_seq \
		"ERROR$(printf '\t') -- [ipam]: (pv_ipam_reserve:358) IP 10.0.5.50 already in use in pool 'internal'" \
		"ERROR$(printf '\t') -- [platforms]: (pv_platform_start:1259) failed to reserve static IP 10.0.5.50 for platform 'pv-example-ipam-valid' (already in use or outside subnet), refusing to start" \
		"INFO$(printf '\t') -- [ipam]: (pv_ipam_release:468) released 10.0.5.50 from pv-example-ipam-valid in pool internal" \
		"ERROR$(printf '\t') -- [platforms]: (pv_platform_start:1314) platform 'pv-example-ipam-valid' failed IPAM network validation, triggering rollback if in try-boot" \
		"INFO$(printf '\t') -- [state]: (pv_state_set_status:556) state revision '0' status is now READY" \
		"ERROR$(printf '\t') -- [state]: (pv_state_start_platform:656) platform pv-example-ipam-valid could not be started" \
		"ERROR$(printf '\t') -- [controller]: (_pv_wait:502) a platform did not work as expected. Tearing down..." \
		"INFO$(printf '\t') -- [controller]: (pv_shutdown:791) preparing 'reboot'..." \
		"INFO$(printf '\t') -- [controller]: (pv_shutdown:793) will not actually perform 'reboot' as we are in appengine mode"
	check "the READY line sits between refusal and teardown" eq "$(awk '/already in use/ { a = 1 } a && /status is now READY/ { print "yes"; exit }' "$WORK/log.txt")" yes
	check "relaunch: reserved again" wait_log "reserved 10.0.5.50 for pv-example-ipam-valid in pool internal" 2 20
	check "relaunch: RUNNING 10.0.5.50" wait_eq 20 RUNNING/10.0.5.50 state_ip pv-example-ipam-valid
	check "one teardown" eq "$(log_count "Tearing down")" 1
}

t_no_nat_backend() {
	local faults=${1:-}
	echo "# no NAT backend: nft and iptables hidden (observed §4)${faults:+ (LAB_FAULTS=$faults)}"
	PRE=$HIDE_BOTH boot "pv-example-device-ipam pv-example-net-client pv-example-net-server" "$faults"
	wait_log "$READY" || return
	if [ -n "$faults" ]; then
		check "defect: nothing says NAT is missing" eq "$(log_count "setup_nat")/$(log_count "NAT for pool")/$(log_count "available")" 0/0/0
		return
	fi
	check "one WARN, between bridge and allocations" log_seq "(setup_bridge:622) created bridge pvbr0 with IP 10.0.5.1/24" \
		"WARN$(printf '\t') -- [ipam]: (setup_nat:687) neither nftables (nft) nor iptables available; cannot setup NAT for pool internal" \
		"(pv_ipam_allocate:309) allocated 10.0.5.2/24 to pv-example-net-client from pool internal" \
		"(pv_ipam_allocate:309) allocated 10.0.5.3/24 to pv-example-net-server from pool internal"
	check "exactly one WARN" eq "$(log_count "neither nftables")" 1
	check "both RUNNING with their IPs" eq "$(ip_of pv-example-net-client)/$(ip_of pv-example-net-server)" 10.0.5.2/10.0.5.3
	check "no masquerade rule (nft, iptables)" eq "$(dx 'nft.hidden list ruleset' | grep -c masquerade)/$(ipt_rules | grep -c MASQUERADE)" 0/0
	check "ip_forward is 1" eq "$(dx 'cat /proc/sys/net/ipv4/ip_forward')" 1
	check "client -> 198.51.100.1: 100% loss" eq "$(ping_loss pv-example-net-client 198.51.100.1)" 100
	check "server -> 198.51.100.1: 100% loss" eq "$(ping_loss pv-example-net-server 198.51.100.1)" 100
	check "client -> gateway: 0% loss" eq "$(ping_loss pv-example-net-client 10.0.5.1)" 0
	check "client -> server: 0% loss" eq "$(ping_loss pv-example-net-client 10.0.5.3)" 0
}

t_iptables() {
	local faults=${1:-}
	echo "# iptables fallback: nft hidden (observed §5)${faults:+ (LAB_FAULTS=$faults)}"
	PRE=$HIDE_NFT boot "pv-example-device-ipam pv-example-net-client pv-example-net-server" "$faults"
	wait_log "$READY" || return
	check "log: setup NAT (iptables)" log_has "INFO$(printf '\t') -- [ipam]: (setup_nat:680) setup NAT (iptables) for pool internal"
	if [ -n "$faults" ]; then
		check "defect: no MASQUERADE rule" eq "$(ipt_rules | grep -c MASQUERADE)" 0
		check "defect: server -> 198.51.100.1: 100% loss" eq "$(ping_loss pv-example-net-server 198.51.100.1)" 100
		return
	fi
	check "iptables -t nat -S: one rule" eq "$(dx 'iptables -t nat -S' | grep MASQUERADE)" "-A POSTROUTING -s 10.0.5.0/24 ! -o pvbr0 -j MASQUERADE"
	check "no (nftables) line" eq "$(log_count "(nftables)")" 0
	check "server -> 198.51.100.1: 0% loss" eq "$(ping_loss pv-example-net-server 198.51.100.1)" 0
	dx 'kill -9 $(pgrep -o -x pantavisor)'
	wait_log "$READY" 2 30 || return
	check "relaunch: still one rule (idempotent)" eq "$(dx 'iptables -t nat -S' | grep -c MASQUERADE)" 1
	check "relaunch: (iptables) line again" eq "$(log_count "setup NAT (iptables)")" 2
}

t5() {
	local faults=${1:-}
	echo "# Test 5: cross-pool isolation (LAB_VARIANTS=isolation, observed §10)${faults:+ (LAB_FAULTS=$faults)}"
	VARIANTS=isolation boot "pv-example-device-ipam-2pools pv-example-net-server pv-example-net-lab-server" "$faults"
	wait_log "$READY" || return
	check "isolation line after bridges/NAT, before allocations" log_seq "created bridge pvbr1 with IP 10.0.6.1/24" \
		"INFO$(printf '\t') -- [ipam]: (setup_isolation:682) pool isolation (nftables): 2 cross-pool drop rule(s) installed" \
		"allocated 10.0.6.2/24 to pv-example-net-lab-server from pool lab"
	check "isolation line after the NAT line" log_seq "setup NAT (nftables) for pool internal" "pool isolation (nftables)"
	if [ -n "$faults" ]; then
		check "defect: no drop rules" eq "$(dx 'nft list ruleset' | grep -c ' drop')" 0
		check "defect: server -> lab-server 0% loss" eq "$(ping_loss pv-example-net-server 10.0.6.2)" 0
		return
	fi
	check "nft list ruleset: the pv_ipam table" eq "$(dx 'nft list table inet pv_ipam')" "table inet pv_ipam {
	chain forward {
		type filter hook forward priority filter; policy accept;
		ct state established,related accept
		iifname \"pvbr0\" oifname \"pvbr1\" drop
		iifname \"pvbr1\" oifname \"pvbr0\" drop
	}
}"
	check "still one masquerade rule" eq "$(masq_count)" 1
	check "server -> lab-server: 100% loss" eq "$(ping_loss pv-example-net-server 10.0.6.2)" 100
	check "lab-server -> server: 100% loss" eq "$(ping_loss pv-example-net-lab-server 10.0.5.2)" 100
	check "server -> own gateway: 0% loss" eq "$(ping_loss pv-example-net-server 10.0.5.1)" 0
	check "lab-server -> own gateway: 0% loss" eq "$(ping_loss pv-example-net-lab-server 10.0.6.1)" 0
	check "server -> 198.51.100.1: 0% loss" eq "$(ping_loss pv-example-net-server 198.51.100.1)" 0
	check "lab-server -> 198.51.100.1: 100% loss" eq "$(ping_loss pv-example-net-lab-server 198.51.100.1)" 100
}

t_recovery() {
	local faults=${1:-} pid t0 t1
	echo "# auto-recovery: kill -9 of net-server's init (observed §8)${faults:+ (LAB_FAULTS=$faults)}"
	boot "pv-example-device-ipam pv-example-net-server" "$faults"
	wait_log "$READY" || return
	pid=$(dx 'lxc-info -n pv-example-net-server -p -H')
	check "lxc-info -p -H prints a pid" test -n "$pid"
	t0=$(date +%s)
	dx 'kill -9 $(lxc-info -n pv-example-net-server -p -H)'
	wait_log "$READY" 2 30 || return
	t1=$(date +%s)
	if [ -n "$faults" ]; then
		check "defect: server comes back on 10.0.5.3" wait_eq 10 10.0.5.3 ip_of pv-example-net-server
		return
	fi
	check "teardown sequence in order" log_seq \
		"INFO$(printf '\t') -- [platforms]: (pv_platform_set_status:238) platform 'pv-example-net-server' status is now STOPPED" \
		"ERROR$(printf '\t') -- [state]: (pv_state_run:868) platform 'pv-example-net-server' suddenly stopped" \
		"(_pv_wait:502) a platform did not work as expected. Tearing down..." \
		"(pv_shutdown:791) preparing 'reboot'..." \
		"(pv_ipam_allocate:309) allocated 10.0.5.2/24 to pv-example-net-server from pool internal" \
		"$READY"
	check "fresh allocation, no reuse, no RECOVERING" eq "$(log_count "allocated 10.0.5.2/24 to pv-example-net-server")/$(log_count "reusing existing lease")/$(log_count RECOVERING)" 2/0/0
	recovered() { echo "$(state_ip pv-example-net-server)/$([ "$(dx 'lxc-info -n pv-example-net-server -p -H')" != "$pid" ] && echo new)"; }
	check "RUNNING 10.0.5.2 again with a new pid" wait_eq 10 RUNNING/10.0.5.2/new recovered
	check "back READY within 15 s of the kill (observed ~9 s)" test $((t1 - t0)) -le 15
}

# snapshot of a container: pid, netns inode, host-side veth, loop device
cont_id() {
	dx "p=\$(lxc-info -n $1 -p -H); echo \$p \$(readlink /proc/\$p/ns/net) \$(cat /run/pv-lab/containers/$1/veth) \$(cat /run/pv-lab/containers/$1/loop 2>/dev/null)"
}

t_relaunch() {
	local faults=${1:-} variant=${2:-} c0 s0 cpid
	echo "# relaunch: kill -9 of the main pantavisor (observed §9)${faults:+ (LAB_FAULTS=$faults)}${variant:+ (LAB_VARIANTS=$variant)}"
	VARIANTS=$variant boot "pv-example-device-ipam pv-example-net-server pv-example-net-client" "$faults"
	wait_log "$READY" || return
	c0=$(cont_id pv-example-net-client) s0=$(cont_id pv-example-net-server)
	cpid=${c0%% *}
	check "pgrep -o -x pantavisor is the main pantavisor" eq "$(dx 'pgrep -o -x pantavisor')" "$(pv_main_pid)"
	dx 'kill -9 $(pgrep -o -x pantavisor)'
	wait_log "$READY" 2 30 || return
	if [ -n "$faults" ]; then
		check "defect: the adopted client is re-addressed" wait_eq 10 10.0.5.3 ip_of pv-example-net-client
		check "defect: ... and keeps its pid" eq "$(dx 'lxc-info -n pv-example-net-client -p -H')" "$cpid"
		check "defect: new allocations differ" log_has "allocated 10.0.5.3/24 to pv-example-net-client from pool internal"
		return
	fi
	if [ "$variant" = nat-idempotent ]; then
		check "variant: one masquerade rule after the relaunch" eq "$(masq_count)" 1
		check "variant: NAT still works" eq "$(ping_loss pv-example-net-client 198.51.100.1)" 0
		return
	fi
	check "pv-appengine: crashed (signal 9)" eq "$(out_count "pantavisor crashed (signal 9); rebooting device...")" 1
	check "pv-appengine: no shell job noise" eq "$(out_count "Killed")" 0
	check "pv-appengine: LXC 'already running' for both" eq "$(out_count "Container \"pv-example-net-client\" appears to be already running")/$(out_count "Container \"pv-example-net-server\" appears to be already running")" 1/1
	check "fresh allocations, same IPs" eq "$(log_count "allocated 10.0.5.2/24 to pv-example-net-client from pool internal")/$(log_count "allocated 10.0.5.3/24 to pv-example-net-server from pool internal")" 2/2
	check "second launch sequence in order" log_seq "$READY" "allocated 10.0.5.2/24 to pv-example-net-client" \
		"(pv_setup_lxc_network:423) configured net.0: type=veth link=pvbr0 ip=10.0.5.2/24 gw=10.0.5.1" \
		"(pv_start_container:857) started LXC container 'pv-example-net-client' with pid $cpid" \
		"WARN$(printf '\t') -- [platforms]: (_read_platform_pipefd_cb:1133) could not get a valid console log fd for pv-example-net-server" \
		"$READY"
	check "no lease lines" eq "$(log_count "reusing existing lease")/$(log_count "released ")" 0/0
	check "containers keep pid, netns, veth, loop" eq "$(cont_id pv-example-net-client) | $(cont_id pv-example-net-server)" "$c0 | $s0"
	check "IPs unchanged" eq "$(ip_of pv-example-net-client)/$(ip_of pv-example-net-server)" 10.0.5.2/10.0.5.3
	check "nft: a second identical masquerade rule" eq "$(masq_count)" 2
	check "client -> 198.51.100.1: 0% loss" eq "$(ping_loss pv-example-net-client 198.51.100.1)" 0
}

t_loop() {
	local devs
	echo "# loop devices: attached while running, leaked by docker rm -f, absent loop-control"
	boot "pv-example-device-ipam pv-example-net-server" ""
	wait_log "$READY" || return
	check "busybox losetup -a lists it (name cut at 63 chars by busybox)" eq "$(dx 'losetup -a')" "$(dx 'cat /run/pv-lab/containers/pv-example-net-server/loop'): 0 /var/pantavisor/storage/trails/0/pv-example-net-server/root.squ"
	check "sysfs has the whole backing file" eq "$(dx 'cat /sys/block/$(basename $(cat /run/pv-lab/containers/pv-example-net-server/loop))/loop/backing_file')" /var/pantavisor/storage/trails/0/pv-example-net-server/root.squashfs
	if [ "$(id -u)" = 0 ] && command -v losetup >/dev/null; then
		devs=$(dx 'cat /run/pv-lab/containers/*/loop')
		docker rm -f "$C" >/dev/null 2>&1
		local leaked=0 d n
		for d in $devs; do
			n=${d#/dev/loop}
			grep -q "/trails/0/pv-example-net-server/root.squashfs" "/sys/block/loop$n/loop/backing_file" 2>/dev/null && leaked=$((leaked + 1))
		done
		check "docker rm -f leaves it attached on the host" eq "$leaked" 1
		# the leak was the point: detach it here (a node is made if the host has none)
		for d in $devs; do
			n=${d#/dev/loop}
			grep -q "/trails/0/pv-example-" "/sys/block/loop$n/loop/backing_file" 2>/dev/null || continue
			[ -b "$d" ] || mknod "$d" b 7 "$n"
			losetup -d "$d"
		done
	fi
	NOLOOP=1 boot "pv-example-device-ipam pv-example-net-server" ""
	wait_log "$READY" || return
	check "no loop-control: one lab WARN, containers run" eq "$(out_count "WARN -- [pv-appengine-lab]: no /dev/loop-control")/$(state_of pv-example-net-server)" 1/RUNNING
	check "no loop-control: no loop devices" eq "$(dx 'losetup -a' | wc -c)" 0
}

variants() {
	t_static_restart static-restart-fixed
	t_relaunch "" nat-idempotent
	echo "# Variant name validation"
	VARIANTS=no-such-variant boot "pv-example-device-ipam" ""
	check "unknown variant: exit status 2" eq "$(timeout 20 docker exec -e LAB_VARIANTS=bogus "$C" sh -c 'pv-appengine >/dev/null 2>&1; echo $?')" 2
	check "unknown variant: pv-appengine refuses" wait_for 10 dx 'grep -q "unknown variant" /tmp/pv-appengine.out && ! grep -q "launching pantavisor" /tmp/pv-appengine.out && ! [ -e /run/pv-lab/pantavisor.pid ]'
}

faults2() {
	echo "# Faults beyond the plan"
	t_invalid accept-out-of-subnet
	t_collision collision-both-run
	t_exhaustion allocate-past-pool
	t_no_nat_backend silent-no-backend
	t_iptables iptables-no-masquerade
	t5 isolation-no-rules
	t_recovery recovery-new-ip
	t_relaunch relaunch-new-ips
	echo "# hang-boot"
	boot "pv-example-device-ipam pv-example-net-server" hang-boot
	wait_log "IPAM subsystem initialized" || return
	# READY comes ~7 s after start on a healthy lab: watch for 20 s that neither it nor a teardown comes
	check "hang-boot: no READY and no teardown" never_within 20 dx "grep -qE 'status is now READY|Tearing down' $LOG"
	echo "# no-pgrep"
	boot "pv-example-device-ipam pv-example-net-server" no-pgrep
	wait_log "$READY" || return
	check "no-pgrep: pgrep is gone once pv-appengine runs" eq "$(dx 'command -v pgrep >/dev/null; echo $?')" 1
	echo "# hang-lxc-ls"
	boot "pv-example-device-ipam pv-example-net-server" hang-lxc-ls
	wait_log "$READY" || return
	check "hang-lxc-ls: lxc-ls does not return within 5 s" eq "$(timeout 5 docker exec "$C" lxc-ls -f >/dev/null 2>&1; echo $?)" 124
}

want=("$@")
[ ${#want[@]} -gt 0 ] || want=(T1 T2 T3 T6 T7 T7pipe T8 T9 INV COL EXH SR NONAT IPT T5 REC REL LOOP V F F2)
for w in "${want[@]}"; do
	case "$w" in
	T1) t1 ;; T2) t2 ;; T3 | T4) t3 ;; T6) t6 ;; T7) t7 file ;; T7pipe) t7 pipe ;; T8) t8 ;; T9) t9 ;;
	INV) t_invalid ;; COL) t_collision ;; EXH) t_exhaustion ;; SR) t_static_restart ;;
	NONAT) t_no_nat_backend ;; IPT) t_iptables ;; T5) t5 ;; REC) t_recovery ;; REL) t_relaunch ;;
	LOOP) t_loop ;; V) variants ;;
	F) faults ;; F2) faults2 ;;
	*) echo "selftest: unknown scenario $w" >&2 ;;
	esac
done
echo "$PASS passed, $FAIL failed"
[ "$FAIL" = 0 ]
