#!/usr/bin/env bash
# Self-test of the pv-ipam-tests APPENGINE LAB (independent of the TypeScript toolkit).
# Runs the test plan's scenarios (Tests 1,2,3,4,6,7,8,9) by hand against the lab image, checks
# the facts-file outcomes, then checks that every LAB_FAULTS defect breaks what it should.
#
#   lab/selftest.sh            # all scenarios
#   lab/selftest.sh T1 T3 F    # some of them (T1 T2 T3 T6 T7 T7pipe T8 T9 F)
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

cleanup() {
	docker rm -f "$C" >/dev/null 2>&1
	docker volume rm "$V" >/dev/null 2>&1
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
log_has() { dx "grep -qF -- \"$1\" $LOG"; }
log_count() { local n; n=$(dx "grep -cF -- \"$1\" $LOG" 2>/dev/null); echo "${n:-0}"; }
eq() { [ "$1" = "$2" ] || { echo "       got '$1', want '$2'"; return 1; }; }
not() { ! "$@"; }

# boot EXPORTS FAULTS [MODE]: MODE=file (output redirected, default) or pipe (plan's bare '&')
boot() {
	local exports=$1 faults=$2 mode=${3:-file} e
	docker rm -f "$C" >/dev/null 2>&1
	docker volume rm "$V" >/dev/null 2>&1
	rm -rf "$WORK/pvtx.d"
	mkdir -p "$WORK/pvtx.d"
	for e in $exports; do
		if [ -f "$e" ]; then cp "$e" "$WORK/pvtx.d/"; else cp "$DEPLOY/$e.pvrexport.tgz" "$WORK/pvtx.d/"; fi
	done
	docker volume create --label pv-ipam-tests=1 "$V" >/dev/null
	docker run --name "$C" -d --label pv-ipam-tests=1 --network none --cap-add NET_ADMIN --cap-add SYS_ADMIN \
		--cap-add NET_RAW -e LAB_FAULTS="$faults" -v "$WORK/pvtx.d:/usr/lib/pantavisor/pvtx.d" \
		-v "$V:/var/pantavisor/storage" --entrypoint /bin/sh "$IMAGE" -c "sleep infinity" >/dev/null
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
}

t6() {
	echo "# Test 6: lease stability across stop/start"
	boot "pv-example-device-ipam pv-example-net-server" ""
	wait_log "state revision '0' status is now READY" || return
	check "baseline 10.0.5.2" eq "$(ip_of pv-example-net-server)" 10.0.5.2
	check "stop: exit 0, prints an empty line" eq "$(docker exec "$C" pvcontrol containers stop pv-example-net-server | od -An -c | tr -d ' ')" '\n'
	check "STOPPED" eq "$(state_of pv-example-net-server)" STOPPED
	check "stopped IPV4 is -" eq "$(ip_of pv-example-net-server)" "-"
	check "pventer refuses a stopped container" eq "$(docker exec "$C" pventer -c pv-example-net-server true; echo "rc=$?")" "no container found: pv-example-net-server
rc=1"
	check "start: exit 0" eq "$(docker exec "$C" pvcontrol containers start pv-example-net-server; echo "rc=$?")" "
rc=0"
	wait_log "state revision '0' status is now READY" 2 20
	check "same IP after start" eq "$(ip_of pv-example-net-server)" 10.0.5.2
	check "one allocated line" eq "$(log_count "allocated 10.0.5.2/24 to pv-example-net-server")" 1
	check "one reusing line" eq "$(log_count "reusing existing lease for pv-example-net-server: 10.0.5.2/24")" 1
	check "start when running: 200" eq "$(docker exec "$C" pvcontrol containers start pv-example-net-server; echo "rc=$?")" "
rc=0"
	check "unknown container: 404 body, exit 255" eq "$(docker exec "$C" pvcontrol containers stop nosuch 2>&1; echo "rc=$?")" '{"Error":"Container not found"}
rc=255'
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
		sleep 15
		check "bare '&': no relaunch (SIGPIPE)" eq "$(log_count "Tearing down")" 1
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
	sleep 1
	check "unknown fault: pv-appengine refuses" dx 'grep -q "unknown fault" /tmp/pv-appengine.out && ! [ -e /run/pv-lab/pantavisor.pid ]'
}

want=("$@")
[ ${#want[@]} -gt 0 ] || want=(T1 T2 T3 T6 T7 T7pipe T8 T9 F)
for w in "${want[@]}"; do
	case "$w" in
	T1) t1 ;; T2) t2 ;; T3 | T4) t3 ;; T6) t6 ;; T7) t7 file ;; T7pipe) t7 pipe ;; T8) t8 ;; T9) t9 ;;
	F) faults ;;
	*) echo "selftest: unknown scenario $w" >&2 ;;
	esac
done
echo "$PASS passed, $FAIL failed"
[ "$FAIL" = 0 ]
