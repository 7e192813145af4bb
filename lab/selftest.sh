#!/usr/bin/env bash
# Self-test of the pv-ipam-tests APPENGINE LAB (independent of the TypeScript toolkit): what the
# scenarios cannot say. The plan's expectations are stated once, in scenarios.json, and
# `make test-all TARGET=lab` checks the lab against them; this script checks the rest by hand:
#   MECH   the lab's mechanics: lxc-ls's format, pvcontrol's outputs and one call at a time,
#          pventer, lxcbr0 from early init, a loop device per running container
#   REL    a relaunch (kill -9 of the main pantavisor) adopts the running containers
#   REFUSE a refused revision is relaunched by pv-appengine (output to a file), PIPE: not with the
#          plan's bare '&' (SIGPIPE)
#   LOOP   loop devices (busybox losetup, docker rm -f leaks them, no /dev/loop-control)
#   OBS    observed facts no scenario check states (the MAC line, classful /8, static -> pvcnet,
#          the collision export as built, teardown timing, static-restart's refusal, no NAT
#          backend, iptables relaunch, auto-recovery without a policy)
#   ISO    variant isolation vs HEAD; V the other variants and an unknown variant name (exit 2)
#   F, F2  every LAB_FAULTS defect is visible the way lab/faults.md says (plan / beyond the plan)
#
#   lab/selftest.sh            # all cases
#   lab/selftest.sh MECH F     # some of them; an unknown name is exit 2
#
# Needs `lab/build.sh` first. Container <LAB_SELFTEST_NAME> (default pv-lab-selftest; see
# lab/helpers.bash), volume <container>-storage. Prints "N passed, N failed" last; exits 1 on any
# failure, 2 on an unknown case name, 3 when the lab is not built.
set -uo pipefail
SELFTEST_SUFFIX=
source "$(dirname "${BASH_SOURCE[0]}")/helpers.bash"

# ================================================================ the lab's mechanics
case_MECH() {
	echo "# lxc-ls, pvcontrol, pventer, lxcbr0, loop devices"
	boot_ready "pv-example-device-ipam pv-example-net-server pv-example-net-client" || return
	check "lxc-ls -f: trailing spaces after the header" dx 'lxc-ls -f | head -1 | grep -q "UNPRIVILEGED $"'
	check "pvcontrol containers ls: JSON, STARTED" dx 'pvcontrol containers ls | jq -e "length == 2 and .[0].status == \"STARTED\"" >/dev/null'
	check "lxcbr0 10.0.3.1/24 (network early init)" dx 'ip addr show lxcbr0 | grep -q "inet 10.0.3.1/24"'
	check "pvbr0 with its broadcast (busybox ip addr)" dx 'ip addr show pvbr0 | grep -q "inet 10.0.5.1/24 brd 10.0.5.255"'
	check "a loop device per running container (busybox losetup -a)" eq "$(loops)" "pv-example-net-client pv-example-net-server"
	check "stop: exit 0, prints an empty line" eq "$(docker exec "$C" pvcontrol containers stop pv-example-net-server | od -An -c | tr -d ' ')" '\n'
	check "stop detaches its loop device" eq "$(loops)" pv-example-net-client
	check "pventer refuses a stopped container" eq "$(docker exec "$C" pventer -c pv-example-net-server true; echo "rc=$?")" "no container found: pv-example-net-server
rc=1"
	check "start: exit 0, prints an empty line" eq "$(docker exec "$C" pvcontrol containers start pv-example-net-server; echo "rc=$?")" "
rc=0"
	check "second READY (after the start)" wait_log "$READY" 2 20
	check "start attaches a loop device again" eq "$(loops)" "pv-example-net-client pv-example-net-server"
	check "start when running: 200" eq "$(docker exec "$C" pvcontrol containers start pv-example-net-server; echo "rc=$?")" "
rc=0"
	check "unknown container: 404 body, exit 255" eq "$(docker exec "$C" pvcontrol containers stop nosuch 2>&1; echo "rc=$?")" '{"Error":"Container not found"}
rc=255'
	# one call at a time (real pv-ctrl, dev/README.md): of two started together, one gets no answer
	check "two pvcontrol calls at once: the second gets no response" eq "$(docker exec "$C" sh -c 'for i in 1 2 3 4 5; do pvcontrol containers ls >/dev/null 2>&1 & sleep 0.01; pvcontrol containers ls 2>&1 >/dev/null | head -1; wait; done' | sort -u)" "ERROR: got no response"
	check "one after another: both answer" eq "$(docker exec "$C" sh -c 'pvcontrol containers ls >/dev/null && pvcontrol containers ls >/dev/null; echo rc=$?')" "rc=0"
}

# a container's identity: pid, netns inode, host-side veth, loop device
cont_id() {
	dx "p=\$(lxc-info -n $1 -p -H); echo \$p \$(readlink /proc/\$p/ns/net) \$(cat /run/pv-lab/containers/$1/veth) \$(cat /run/pv-lab/containers/$1/loop 2>/dev/null)"
}

relaunch() { # kill -9 of the main pantavisor, then its second READY
	check "pgrep -o -x pantavisor is the main pantavisor" eq "$(dx 'pgrep -o -x pantavisor')" "$(dx 'cat /run/pv-lab/pantavisor.pid')"
	dx 'kill -9 $(pgrep -o -x pantavisor)'
	check "second READY (after the relaunch)" wait_log "$READY" 2 30
}

case_REL() {
	local c0 s0 cpid
	echo "# relaunch: kill -9 of the main pantavisor adopts the running containers (observed §9)"
	boot_ready "pv-example-device-ipam pv-example-net-server pv-example-net-client" || return
	c0=$(cont_id pv-example-net-client) s0=$(cont_id pv-example-net-server)
	cpid=${c0%% *}
	relaunch || return
	check "pv-appengine: crashed (signal 9)" eq "$(out_count "pantavisor crashed (signal 9); rebooting device...")" 1
	check "pv-appengine: no shell job noise" eq "$(out_count "Killed")" 0
	check "pv-appengine: LXC 'already running' for both" eq "$(out_count "Container \"pv-example-net-client\" appears to be already running")/$(out_count "Container \"pv-example-net-server\" appears to be already running")" 1/1
	check "fresh allocations, same IPs, for both" eq "$(log_count "allocated 10.0.5.2/24 to pv-example-net-client from pool internal")/$(log_count "allocated 10.0.5.3/24 to pv-example-net-server from pool internal")" 2/2
	check "second launch sequence in order" log_seq "$READY" "allocated 10.0.5.2/24 to pv-example-net-client" \
		"(pv_setup_lxc_network:423) configured net.0: type=veth link=pvbr0 ip=10.0.5.2/24 gw=10.0.5.1" \
		"(pv_start_container:857) started LXC container 'pv-example-net-client' with pid $cpid" \
		"WARN$T -- [platforms]: (_read_platform_pipefd_cb:1133) could not get a valid console log fd for pv-example-net-server" \
		"$READY"
	check "no lease lines" eq "$(log_count "reusing existing lease")/$(log_count "released ")" 0/0
	check "containers keep pid, netns, veth, loop" eq "$(cont_id pv-example-net-client) | $(cont_id pv-example-net-server)" "$c0 | $s0"
}

case_REFUSE() {
	echo "# a refused revision: teardown, then pv-appengine relaunches it (output to a file)"
	boot_teardown "pv-example-device-ipam pv-example-net-server pv-example-ipam-nopool" || return
	check "lxc-ls -f prints nothing without containers" eq "$(dx 'lxc-ls -f' | wc -c)" 0
	check "appengine-mode reboot line" log_has "will not actually perform 'reboot' as we are in appengine mode"
	check "refusal repeats after relaunch" wait_log "Tearing down" 2 30
	check "lxcbr0 WARN on relaunch" log_has "unable to create bridge dev lxcbr0: File exists"
	check "masquerade rule appended per launch" test "$(masq_count)" -ge 2
}

case_PIPE() {
	echo "# the plan's bare 'pv-appengine &': its stdout is a pipe docker exec closes"
	# with the realistic first boot (READY ~7 s after start): the SIGPIPE needs docker to have closed
	# the exec's pipe before pv-appengine's next line; a teardown ~1 s after start (delay 0) can beat
	# it (seen once in two runs), and then pv-appengine relaunches as with a file
	MODE=pipe FIRST_BOOT_DELAY=3 boot_teardown "pv-example-device-ipam pv-example-net-server pv-example-ipam-nopool" || return
	# a relaunch would repeat the refusal within ~3 s (LAB_RESTART_DELAY 1): watch 10 s that it does not
	check "bare '&': no relaunch (SIGPIPE)" never_within 10 log_count_ge 0 "Tearing down" 2
}

case_LOOP() {
	local devs d n leaked=0
	echo "# loop devices: attached while running, leaked by docker rm -f, absent loop-control"
	boot_ready "pv-example-device-ipam pv-example-net-server" || return
	check "busybox losetup -a lists it (name cut at 63 chars by busybox)" eq "$(dx 'losetup -a')" "$(dx 'cat /run/pv-lab/containers/pv-example-net-server/loop'): 0 /var/pantavisor/storage/trails/0/pv-example-net-server/root.squ"
	check "sysfs has the whole backing file" eq "$(dx 'cat /sys/block/$(basename $(cat /run/pv-lab/containers/pv-example-net-server/loop))/loop/backing_file')" /var/pantavisor/storage/trails/0/pv-example-net-server/root.squashfs
	if [ "$(id -u)" = 0 ] && command -v losetup >/dev/null; then
		devs=$(dx 'cat /run/pv-lab/containers/*/loop')
		docker rm -f "$C" >/dev/null 2>&1
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
	NOLOOP=1 boot_ready "pv-example-device-ipam pv-example-net-server" || return
	check "no loop-control: one lab WARN, containers run" eq "$(out_count "WARN -- [pv-appengine-lab]: no /dev/loop-control")/$(state_of pv-example-net-server)" 1/RUNNING
	check "no loop-control: no loop devices" eq "$(dx 'losetup -a' | wc -c)" 0
	echo "# a platform refused after its root.squashfs was mounted keeps its loop device (as real)"
	boot_teardown "pv-example-device-ipam pv-example-ipam-invalid pv-example-net-server" || return
	check "net-server never mounted" eq "$(log_count "mounting 'root.squashfs' from platform 'pv-example-net-server'")" 0
	check "only the refused container's loop device stays attached" wait_eq 10 pv-example-ipam-invalid uniq_loops
}

# ================================================================ observed, stated by no scenario check
case_OBS() {
	local f
	for f in obs_static_ip obs_static_ping obs_collision obs_exhaustion obs_static_restart obs_no_nat_backend obs_iptables obs_recovery; do "$f"; done
}
obs_static_ip() {
	echo "# Test 2: the MAC from the IP, the classful /8 inside the container"
	boot_ready "pv-example-device-ipam pv-example-ipam-valid" || return
	check "log: MAC from IP" log_has "platform 'pv-example-ipam-valid' IP 10.0.5.50 MAC 02:00:0a:00:05:32 on bridge pvbr0"
	check "classful /8 inside the container" dx 'pventer -c pv-example-ipam-valid ip addr | grep -q "inet 10.0.5.50/8"'
}

obs_static_ping() {
	echo "# Test 9: the static container reaches the allocated one"
	boot_ready "pv-example-device-ipam-lxcbr pv-example-ipam-static pv-example-net-pvcnet" || return
	check "static -> pvcnet ping" eq "$(ping_loss pv-example-ipam-static 10.0.3.3)" 0
}

obs_collision() {
	echo "# collision: the refused container never started; the export as built (10.0.3.50) fails like invalid"
	boot_teardown "pv-example-device-ipam pv-example-ipam-collision+ip-10.0.5.50 pv-example-ipam-valid" || return
	check "ipam-valid never started" eq "$(log_count "started LXC container 'pv-example-ipam-valid'")/$(log_count "platform 'pv-example-ipam-valid' status is now STARTED")" 0/0
	boot_teardown "pv-example-device-ipam pv-example-ipam-collision pv-example-ipam-valid" || return
	check "outside-subnet refusal of ipam-collision" log_seq "IP 10.0.3.50 not in pool 'internal' subnet" \
		"failed to reserve static IP 10.0.3.50 for platform 'pv-example-ipam-collision' (already in use or outside subnet), refusing to start" \
		"platform 'pv-example-ipam-collision' failed IPAM network validation" "platform pv-example-ipam-collision could not be started" "Tearing down..."
	check "ipam-valid never reserved, lxc-ls empty" eq "$(log_count "reserved 10.0.5.50")/$(dx 'lxc-ls -f' | wc -c)" 0/0
}

obs_exhaustion() {
	echo "# pool exhaustion (/30): the bridge and MAC lines, a teardown is not instant (observed §13)"
	STOP_DELAY=5 boot_teardown "pv-example-device-ipam+internal-30 pv-example-net-client pv-example-net-server" || return
	# the client is still RUNNING right after it, until the force stop LAB_STOP_DELAY (5) s after the lenient one
	check "client still RUNNING right after Tearing down" eq "$(state_of pv-example-net-client)" RUNNING
	check "nothing stays RUNNING" wait_until 10 no_running
	check "bridge, MAC lines in order" log_seq "(setup_bridge:622) created bridge pvbr0 with IP 10.0.5.1/30" \
		"(pv_platform_start:1292) platform 'pv-example-net-client' IP 10.0.5.2/30 MAC 02:00:0a:00:05:02 on bridge pvbr0" \
		"(pv_ipam_allocate:316) no available IPs in pool 'internal'"
	check "teardown force-stops after the lenient stop" log_seq "(pv_platform_stop:1428) leniently stopping platform 'pv-example-net-client'" \
		"(pv_state_run:884) platform 'pv-example-net-client' did not exit after lenient stop, force stopping"
	check "nft rule for the /30" dx 'nft list ruleset | grep -qF "ip saddr 10.0.5.0/30 oifname != \"pvbr0\" masquerade"'
}

obs_static_restart() {
	echo "# static-restart on HEAD: refused by its own reservation, back after the relaunch (observed §1)"
	boot_ready "pv-example-device-ipam pv-example-ipam-valid" || return
	docker exec "$C" pvcontrol containers stop pv-example-ipam-valid >/dev/null 2>&1
	docker exec "$C" pvcontrol containers start pv-example-ipam-valid >/dev/null 2>&1
	check "teardown after the start" wait_log "Tearing down" 1 20 || return
	check "refusal sequence (with the READY line) in order" log_seq \
		"ERROR$T -- [ipam]: (pv_ipam_reserve:358) IP 10.0.5.50 already in use in pool 'internal'" \
		"ERROR$T -- [platforms]: (pv_platform_start:1259) failed to reserve static IP 10.0.5.50 for platform 'pv-example-ipam-valid' (already in use or outside subnet), refusing to start" \
		"INFO$T -- [ipam]: (pv_ipam_release:468) released 10.0.5.50 from pv-example-ipam-valid in pool internal" \
		"ERROR$T -- [platforms]: (pv_platform_start:1314) platform 'pv-example-ipam-valid' failed IPAM network validation, triggering rollback if in try-boot" \
		"INFO$T -- [state]: (pv_state_set_status:556) $READY" \
		"ERROR$T -- [state]: (pv_state_start_platform:656) platform pv-example-ipam-valid could not be started" \
		"ERROR$T -- [controller]: (_pv_wait:502) a platform did not work as expected. Tearing down..." \
		"INFO$T -- [controller]: (pv_shutdown:791) preparing 'reboot'..." \
		"INFO$T -- [controller]: (pv_shutdown:793) will not actually perform 'reboot' as we are in appengine mode"
	check "the READY line sits between refusal and teardown" eq "$(awk '/already in use/ { a = 1 } a && /status is now READY/ { print "yes"; exit }' "$WORK/log.txt")" yes
	check "relaunch: reserved again" wait_log "reserved 10.0.5.50 for pv-example-ipam-valid in pool internal" 2 20
	check "relaunch: RUNNING 10.0.5.50" wait_eq 20 RUNNING/10.0.5.50 state_ip pv-example-ipam-valid
	check "one teardown" eq "$(log_count "Tearing down")" 1
}

obs_no_nat_backend() {
	echo "# no NAT backend: the WARN's place, forwarding on, no iptables rule (observed §4)"
	PRE=$HIDE_BOTH boot_ready "pv-example-device-ipam pv-example-net-client pv-example-net-server" || return
	check "one WARN, between bridge and allocations" log_seq "(setup_bridge:622) created bridge pvbr0 with IP 10.0.5.1/24" \
		"WARN$T -- [ipam]: (setup_nat:687) neither nftables (nft) nor iptables available; cannot setup NAT for pool internal" \
		"(pv_ipam_allocate:309) allocated 10.0.5.2/24 to pv-example-net-client from pool internal" \
		"(pv_ipam_allocate:309) allocated 10.0.5.3/24 to pv-example-net-server from pool internal"
	check "no MASQUERADE rule in iptables either" eq "$(ipt_rules | grep -c MASQUERADE)" 0
	check "ip_forward is 1" eq "$(dx 'cat /proc/sys/net/ipv4/ip_forward')" 1
}

obs_iptables() {
	echo "# iptables fallback: no (nftables) line, 'iptables -C || -A' on relaunch (observed §5)"
	PRE=$HIDE_NFT boot_ready "pv-example-device-ipam pv-example-net-client pv-example-net-server" || return
	check "no (nftables) line" eq "$(log_count "(nftables)")" 0
	dx 'kill -9 $(pgrep -o -x pantavisor)'
	check "second READY (after the kill)" wait_log "$READY" 2 30 || return
	check "relaunch: still one rule (idempotent)" eq "$(dx 'iptables -t nat -S' | grep -c MASQUERADE)" 1
	check "relaunch: (iptables) line again" eq "$(log_count "setup NAT (iptables)")" 2
}

obs_recovery() {
	local pid t0 t1
	echo "# auto-recovery without a policy: a new pid, no lease reuse, no RECOVERING (observed §8)"
	boot_ready "pv-example-device-ipam pv-example-net-server" || return
	pid=$(pid_of pv-example-net-server)
	check "lxc-info -p -H prints a pid" test -n "$pid"
	t0=$SECONDS
	dx 'kill -9 $(lxc-info -n pv-example-net-server -p -H)'
	check "second READY (after the kill)" wait_log "$READY" 2 30 || return
	t1=$SECONDS
	check "STOPPED before 'suddenly stopped', then the reboot" log_seq \
		"INFO$T -- [platforms]: (pv_platform_set_status:238) platform 'pv-example-net-server' status is now STOPPED" \
		"ERROR$T -- [state]: (pv_state_run:868) platform 'pv-example-net-server' suddenly stopped" \
		"(pv_shutdown:791) preparing 'reboot'..." "(pv_ipam_allocate:309) allocated 10.0.5.2/24 to pv-example-net-server from pool internal"
	check "no reuse, no RECOVERING" eq "$(log_count "reusing existing lease")/$(log_count RECOVERING)" 0/0
	check "a new pid" wait_until 10 eval '[ -n "$(pid_of pv-example-net-server)" ] && [ "$(pid_of pv-example-net-server)" != "$pid" ]'
	check "back READY within 15 s of the kill" test $((t1 - t0)) -le 15
}
HIDE_BOTH='for b in nft iptables; do p=$(command -v $b) && mv "$p" "$p.hidden"; done; true'
HIDE_NFT='p=$(command -v nft) && mv "$p" "$p.hidden"'
# iptables' view while the iptables link is hidden too (the multi-call binary stays)
ipt_rules() { dx 'xtables-nft-multi iptables -t nat -S' 2>/dev/null; }

# ================================================================ variants
case_ISO() {
	echo "# HEAD: no isolation, cross-pool traffic is open both ways (observed §7)"
	boot_ready "pv-example-device-ipam-2pools pv-example-net-server pv-example-net-lab-server" || return
	check "HEAD: server -> lab-server 0% loss" eq "$(ping_loss pv-example-net-server 10.0.6.2)" 0
	check "HEAD: lab-server -> server 0% loss" eq "$(ping_loss pv-example-net-lab-server 10.0.5.2)" 0
	check "HEAD: no pv_ipam table, no isolation line" eq "$(dx 'nft list ruleset' | grep -c pv_ipam)/$(log_count "pool isolation")" 0/0
	echo "# LAB_VARIANTS=isolation: where its line goes, the whole table (observed §10)"
	boot_ready "pv-example-device-ipam-2pools pv-example-net-server pv-example-net-lab-server" "" isolation || return
	check "isolation line after bridges/NAT, before allocations" log_seq "created bridge pvbr1 with IP 10.0.6.1/24" \
		"INFO$T -- [ipam]: (setup_isolation:682) pool isolation (nftables): 2 cross-pool drop rule(s) installed" \
		"allocated 10.0.6.2/24 to pv-example-net-lab-server from pool lab"
	check "isolation line after the NAT line" log_seq "setup NAT (nftables) for pool internal" "pool isolation (nftables)"
	check "nft list table inet pv_ipam" eq "$(dx 'nft list table inet pv_ipam')" "table inet pv_ipam {
	chain forward {
		type filter hook forward priority filter; policy accept;
		ct state established,related accept
		iifname \"pvbr0\" oifname \"pvbr1\" drop
		iifname \"pvbr1\" oifname \"pvbr0\" drop
	}
}"
	check "still one masquerade rule" eq "$(masq_count)" 1
}

case_V() {
	echo "# LAB_VARIANTS=static-restart-fixed: stop/start of a static-IP container succeeds"
	boot_ready "pv-example-device-ipam pv-example-ipam-valid" "" static-restart-fixed || return
	docker exec "$C" pvcontrol containers stop pv-example-ipam-valid >/dev/null 2>&1
	docker exec "$C" pvcontrol containers start pv-example-ipam-valid >/dev/null 2>&1
	check "second READY (after the start)" wait_log "$READY" 2 20 || return
	check "variant: RUNNING 10.0.5.50 again" wait_eq 10 RUNNING/10.0.5.50 state_ip pv-example-ipam-valid
	check "variant: no refusal, no teardown, no release" eq "$(log_count "already in use")/$(log_count "Tearing down")/$(log_count "released ")" 0/0/0
	check "variant: own lease reused" log_has "reusing existing lease for pv-example-ipam-valid: 10.0.5.50"
	echo "# LAB_VARIANTS=nat-idempotent: one masquerade rule after a relaunch"
	boot_ready "pv-example-device-ipam pv-example-net-server pv-example-net-client" "" nat-idempotent || return
	relaunch || return
	check "variant: one masquerade rule after the relaunch" eq "$(masq_count)" 1
	check "variant: NAT still works" eq "$(ping_loss pv-example-net-client 198.51.100.1)" 0
	echo "# Variant name validation"
	boot "pv-example-device-ipam" "" no-such-variant
	check "unknown variant: exit status 2" eq "$(timeout 20 docker exec -e LAB_VARIANTS=bogus "$C" sh -c 'pv-appengine >/dev/null 2>&1; echo $?')" 2
	check "unknown variant: pv-appengine refuses" wait_until 10 dx 'grep -q "unknown variant" /tmp/pv-appengine.out && ! grep -q "launching pantavisor" /tmp/pv-appengine.out && ! [ -e /run/pv-lab/pantavisor.pid ]'
}

# ================================================================ faults (lab/faults.md)
case_F() {
	echo "# Faults (plan)"
	boot_ready "pv-example-device-ipam pv-example-net-server pv-example-net-client" no-bridge &&
		check "no-bridge: pvbr0 has no address" not dx 'ip addr show pvbr0 | grep -q inet'
	boot_ready "pv-example-device-ipam pv-example-net-server pv-example-net-client" duplicate-ip &&
		check "duplicate-ip: client and server share 10.0.5.2" eq "$(ip_of pv-example-net-client)/$(ip_of pv-example-net-server)" 10.0.5.2/10.0.5.2
	boot_ready "pv-example-device-ipam pv-example-ipam-valid" ignore-static-ip &&
		check "ignore-static-ip: valid gets 10.0.5.2" eq "$(ip_of pv-example-ipam-valid)" 10.0.5.2
	if boot_ready "pv-example-device-ipam-2pools pv-example-net-server pv-example-net-lab-server" nat-every-pool; then
		check "nat-every-pool: rule for 10.0.6.0/24" dx 'nft list ruleset | grep -q "ip saddr 10.0.6.0/24"'
		check "nat-every-pool: lab-server reaches 198.51.100.1" eq "$(ping_loss pv-example-net-lab-server 198.51.100.1)" 0
	fi
	if boot_ready "pv-example-device-ipam-2pools pv-example-net-server pv-example-net-lab-server" no-nat; then
		check "no-nat: no masquerade" eq "$(masq_count)" 0
		check "no-nat: log still claims NAT" log_has "setup NAT (nftables) for pool internal"
		check "no-nat: server 100% loss" eq "$(ping_loss pv-example-net-server 198.51.100.1)" 100
	fi
	if boot_ready "pv-example-device-ipam pv-example-net-server" nat-iptables; then
		check "nat-iptables: iptables log line" log_has "setup NAT (iptables) for pool internal"
		check "nat-iptables: iptables-nft ruleset" dx 'nft list ruleset | grep -q "chain POSTROUTING"'
		check "nat-iptables: NAT still works" eq "$(ping_loss pv-example-net-server 198.51.100.1)" 0
	fi
	if boot_ready "pv-example-device-ipam pv-example-net-server" no-lease-reuse; then
		docker exec "$C" pvcontrol containers stop pv-example-net-server >/dev/null
		docker exec "$C" pvcontrol containers start pv-example-net-server >/dev/null
		check "second READY (after the start)" wait_log "$READY" 2 20
		check "no-lease-reuse: new IP after restart" eq "$(ip_of pv-example-net-server)" 10.0.5.3
		check "no-lease-reuse: no reusing line" eq "$(log_count "reusing existing lease")" 0
	fi
	if boot_ready "pv-example-device-ipam pv-example-net-server pv-example-ipam-nopool" accept-unknown-pool; then
		check "accept-unknown-pool: nopool RUNNING" eq "$(state_of pv-example-ipam-nopool)" RUNNING
		check "accept-unknown-pool: no refusal" eq "$(log_count "unknown pool")" 0
	fi
	if boot_ready "pv-example-device-ipam-lxcbr pv-example-net-pvcnet+baked-net" accept-baked-net; then
		check "accept-baked-net: container RUNNING" eq "$(state_of pv-example-net-pvcnet)" RUNNING
		check "accept-baked-net: no refusal" eq "$(log_count "refused by backend")" 0
	fi
	if boot_ready "pv-example-device-ipam-lxcbr pv-example-ipam-static pv-example-net-pvcnet" no-reservation; then
		check "no-reservation: pvcnet takes 10.0.3.2" eq "$(ip_of pv-example-net-pvcnet)" 10.0.3.2
		check "no-reservation: no reservation line" eq "$(log_count "reserved static IP")" 0
	fi
	echo "# Fault name validation"
	boot "pv-example-device-ipam" no-such-fault
	check "unknown fault: pv-appengine refuses" wait_until 10 dx 'grep -q "unknown fault" /tmp/pv-appengine.out && ! grep -q "launching pantavisor" /tmp/pv-appengine.out && ! [ -e /run/pv-lab/pantavisor.pid ]'
}

case_F2() {
	local cpid
	echo "# Faults beyond the plan"
	if boot_ready "pv-example-device-ipam pv-example-ipam-invalid pv-example-net-server" accept-out-of-subnet; then
		check "accept-out-of-subnet: ipam-invalid RUNNING on 192.168.99.100" eq "$(state_ip pv-example-ipam-invalid)" RUNNING/192.168.99.100
		check "accept-out-of-subnet: no refusal" eq "$(log_count "not in pool")/$(log_count "Tearing down")" 0/0
	fi
	if boot_ready "pv-example-device-ipam pv-example-ipam-collision+ip-10.0.5.50 pv-example-ipam-valid" collision-both-run; then
		check "collision-both-run: both RUNNING on 10.0.5.50" eq "$(ip_of pv-example-ipam-collision)/$(ip_of pv-example-ipam-valid)" 10.0.5.50/10.0.5.50
		check "collision-both-run: no 'already in use'" eq "$(log_count "already in use")" 0
	fi
	if boot_ready "pv-example-device-ipam+internal-30 pv-example-net-client pv-example-net-server" allocate-past-pool; then
		check "allocate-past-pool: server gets the broadcast 10.0.5.3/30" log_has "allocated 10.0.5.3/30 to pv-example-net-server from pool internal"
		check "allocate-past-pool: server RUNNING" eq "$(state_of pv-example-net-server)" RUNNING
	fi
	PRE=$HIDE_BOTH boot_ready "pv-example-device-ipam pv-example-net-client pv-example-net-server" silent-no-backend &&
		check "silent-no-backend: nothing says NAT is missing" eq "$(log_count "setup_nat")/$(log_count "NAT for pool")/$(log_count "available")" 0/0/0
	if PRE=$HIDE_NFT boot_ready "pv-example-device-ipam pv-example-net-client pv-example-net-server" iptables-no-masquerade; then
		check "iptables-no-masquerade: the (iptables) line" log_has "INFO$T -- [ipam]: (setup_nat:680) setup NAT (iptables) for pool internal"
		check "iptables-no-masquerade: no MASQUERADE rule" eq "$(ipt_rules | grep -c MASQUERADE)" 0
		check "iptables-no-masquerade: server -> 198.51.100.1: 100% loss" eq "$(ping_loss pv-example-net-server 198.51.100.1)" 100
	fi
	if boot_ready "pv-example-device-ipam-2pools pv-example-net-server pv-example-net-lab-server" isolation-no-rules isolation; then
		check "isolation-no-rules: the isolation line" log_has "pool isolation (nftables): 2 cross-pool drop rule(s) installed"
		check "isolation-no-rules: no drop rules" eq "$(dx 'nft list ruleset' | grep -c ' drop')" 0
		check "isolation-no-rules: server -> lab-server 0% loss" eq "$(ping_loss pv-example-net-server 10.0.6.2)" 0
	fi
	if boot_ready "pv-example-device-ipam pv-example-net-server" recovery-new-ip; then
		dx 'kill -9 $(lxc-info -n pv-example-net-server -p -H)'
		check "recovery-new-ip: second READY" wait_log "$READY" 2 30 && check "recovery-new-ip: server comes back on 10.0.5.3" wait_eq 10 10.0.5.3 ip_of pv-example-net-server
	fi
	if boot_ready "pv-example-device-ipam pv-example-net-server pv-example-net-client" relaunch-new-ips; then
		cpid=$(pid_of pv-example-net-client)
		dx 'kill -9 $(pgrep -o -x pantavisor)'
		if check "relaunch-new-ips: second READY" wait_log "$READY" 2 30; then
			check "relaunch-new-ips: the adopted client is re-addressed" wait_eq 10 10.0.5.3 ip_of pv-example-net-client
			check "relaunch-new-ips: ... and keeps its pid" eq "$(pid_of pv-example-net-client)" "$cpid"
			check "relaunch-new-ips: new allocations differ" log_has "allocated 10.0.5.3/24 to pv-example-net-client from pool internal"
		fi
	fi
	echo "# hang-boot"
	boot "pv-example-device-ipam pv-example-net-server" hang-boot
	if check "hang-boot: IPAM subsystem initialized" wait_log "IPAM subsystem initialized"; then
		# READY comes ~2 s after start on a healthy lab (LAB_FIRST_BOOT_DELAY 0): watch 10 s that neither it nor a teardown comes
		check "hang-boot: no READY and no teardown" never_within 10 dx "grep -qE 'status is now READY|Tearing down' $LOG"
	fi
	boot_ready "pv-example-device-ipam pv-example-net-server" no-pgrep &&
		check "no-pgrep: pgrep is gone once pv-appengine runs" eq "$(dx 'command -v pgrep || echo none')" none
	boot_ready "pv-example-device-ipam pv-example-net-server" hang-lxc-ls &&
		check "hang-lxc-ls: lxc-ls does not return within 5 s" eq "$(timeout 5 docker exec "$C" lxc-ls -f >/dev/null 2>&1; echo $?)" 124
}

run_cases lab/selftest.sh "MECH REL REFUSE PIPE LOOP OBS ISO V F F2" "$@"
