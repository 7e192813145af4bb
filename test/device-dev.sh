#!/usr/bin/env bash
# make device-dev-check: `make device-dev` end to end on the dev appengine, then torn down.
#   1. bad input is one line, exit 2, nothing made
#   2. up: the device answers over Pantavisor's SSH with the key of the run
#   3. over that SSH: a command's output, its exit status, stdin streamed in, a login as a
#      container's name lands in that container, a wrong key is refused
#   4. down removes everything up made
# The same variables as make device-dev (IMAGE, ARTIFACTS, ...); its own DEVICE_DEV_NAME
# (default check). DEVICE_DEV_CHECK_KEY=FILE logs in with another private key: the check then
# fails (how to see that it can).
# Exit: 0 all passed, 1 a check failed, 2 bad usage, 3 the device did not come up.
set -uo pipefail
cd "$(dirname "$0")/.."
export DEVICE_DEV_NAME=${DEVICE_DEV_NAME:-check}
failed=0
pass() { echo "device-dev-check: ok   $*"; }
fail() { echo "device-dev-check: FAIL $*" >&2; failed=1; }
down() { bash dev/device-dev.sh down >/dev/null 2>&1 || echo "device-dev-check: device-dev down failed" >&2; }
trap 'down' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
base=pv-ipam-device-dev-$DEVICE_DEV_NAME

# 1. bad input
out=$(DEVICE_DEV_FAULT='x; touch /tmp/pwned' bash dev/device-dev.sh up 2>&1)
rc=$?
if [ $rc = 2 ] && [ "$(wc -l <<<"$out")" = 1 ] && ! docker container inspect "$base" >/dev/null 2>&1 && [ ! -e /tmp/pwned ]; then
	pass "bad DEVICE_DEV_FAULT: exit 2, one line, nothing made ($out)"
else
	fail "bad DEVICE_DEV_FAULT: exit $rc, want 2 and one line: $out"
fi

# 2. up
t0=$SECONDS
out=$(bash dev/device-dev.sh up 2>&1)
rc=$?
printf '%s\n' "$out" | sed 's/^/  | /'
[ $rc = 0 ] || { echo "device-dev-check: make device-dev failed (exit $rc)" >&2; exit 3; }
line=$(grep '^DEVICE=' <<<"$out" | tail -n 1)
[[ $line =~ ^DEVICE=_pv_@([0-9.]+):([0-9]+)\ DEVICE_KEY=([^ ]+)\ DEVICE_KNOWN_HOSTS=([^ ]+)$ ]] ||
	{ echo "device-dev-check: FAIL no DEVICE= line in its output" >&2; exit 1; }
ip=${BASH_REMATCH[1]} port=${BASH_REMATCH[2]} key=${DEVICE_DEV_CHECK_KEY:-${BASH_REMATCH[3]}} kh=${BASH_REMATCH[4]}
pass "make device-dev in $((SECONDS - t0)) s: $line"
errf=$(mktemp)
trap 'rm -f "$errf"; down' EXIT
# USER CMD...: as a person types it, with the run's known_hosts, host key checking on. Its stdout
# only: stderr (where fallbear-cmd writes ten lines about cgroups it cannot join on this host,
# dev/README.md) goes to $errf, shown when a check fails.
ssh_as() {
	local user=$1; shift
	ssh -p "$port" -i "$key" -o IdentitiesOnly=yes -o BatchMode=yes -o ConnectTimeout=5 \
		-o UserKnownHostsFile="$kh" -o StrictHostKeyChecking=yes -o LogLevel=ERROR "$user@$ip" "$@" 2>"$errf"
}
err() { grep -v '^/usr/bin/fallbear-cmd: line [0-9]*: /sys/fs/cgroup/' "$errf" | tail -n 2 | tr '\n' ' '; }

# 3. over SSH
got=$(ssh_as _pv_ 'echo "pv-$((6 * 7))"; head -n 1 /etc/pantavisor-appengine-dev.txt')
if [ "$(head -n 1 <<<"$got")" = pv-42 ] && grep -q '^pantavisor-appengine-dev (pantavisor ' <<<"$got"; then
	pass "ssh _pv_@$ip: a command's output ($(tail -n 1 <<<"$got" | cut -c1-60)...)"
else
	fail "ssh _pv_@$ip 'echo ...': got: '$got'; stderr: $(err)"
fi
# the device's only default route is to the Test 3 peer (dev/peer.sh), which answers
routes=$(ssh_as _pv_ 'ip route show default')
if [ "$routes" = "default via 198.51.100.1 dev peer0 " ] || [ "$routes" = "default via 198.51.100.1 dev peer0" ]; then
	if got=$(ssh_as _pv_ 'ping -c 1 -W 2 198.51.100.1'); then pass "only default route: $routes; the peer answers"; else fail "the peer 198.51.100.1 does not answer: $got"; fi
else
	fail "default routes on the device: '$routes' (want only: default via 198.51.100.1 dev peer0)"
fi
ssh_as _pv_ 'exit 7' >/dev/null
rc=$?
[ $rc = 7 ] && pass "exit status 7 comes back as 7" || fail "ssh _pv_@$ip 'exit 7' gave exit $rc"
data=$(head -c 300000 /dev/urandom | base64 -w 76)
want=$(printf '%s\n' "$data" | sha256sum | cut -d' ' -f1)
got=$(printf '%s\n' "$data" | ssh_as _pv_ 'cat > /tmp/device-dev-check && sha256sum /tmp/device-dev-check && rm -f /tmp/device-dev-check' | cut -d' ' -f1)
[ "$got" = "$want" ] && pass "stdin streamed in: $(printf '%s\n' "$data" | wc -c) bytes, same sha256" || fail "stdin streaming: sha256 $got, want $want"
# a login as the baseline's container: fallbear-cmd nsenters into it (its hostname is the run.json's)
container=$(grep -o 'containers STARTED: [^;]*' <<<"$out" | cut -d' ' -f3)
if [ -n "$container" ]; then
	want=$(ssh_as _pv_ "cat /storage/trails/current/.pvr/json 2>/dev/null || true" | jq -r --arg c "$container/run.json" '.[$c].network.hostname // empty' 2>/dev/null)
	got=$(ssh_as "$container" hostname)
	host_ns=$(ssh_as _pv_ hostname)
	if [ -n "$got" ] && [ "$got" != "$host_ns" ] && { [ -z "$want" ] || [ "$got" = "$want" ]; }; then
		pass "ssh $container@$ip hostname: '$got' (the device's own: '$host_ns')"
	else
		fail "ssh $container@$ip hostname: '$got' (want ${want:-a name other than} '${want:-$host_ns}'); stderr: $(err)"
	fi
else
	fail "no container named in make device-dev's output"
fi
wrong=$(mktemp -d)
ssh-keygen -q -t ed25519 -N '' -f "$wrong/id" 
got=$(ssh -p "$port" -i "$wrong/id" -o IdentitiesOnly=yes -o BatchMode=yes -o ConnectTimeout=5 -o UserKnownHostsFile="$kh" \
	-o StrictHostKeyChecking=yes "_pv_@$ip" true 2>&1)
rc=$?
rm -rf "$wrong"
[ $rc = 255 ] && grep -q 'Permission denied (publickey' <<<"$got" && pass "a wrong key: exit 255, $got" || fail "a wrong key: exit $rc: $got"

# 4. down
bash dev/device-dev.sh down >/dev/null 2>&1 || fail "make device-dev-down failed"
left=""
docker container inspect "$base" >/dev/null 2>&1 && left+=" container"
docker network inspect "$base-net" >/dev/null 2>&1 && left+=" network"
docker volume inspect "$base-storage" >/dev/null 2>&1 && left+=" volume"
[ -e "dev/out/device-dev-$DEVICE_DEV_NAME" ] && left+=" dev/out/device-dev-$DEVICE_DEV_NAME"
[ -z "$left" ] && pass "make device-dev-down removed everything" || fail "left after down:$left"

[ $failed = 0 ] && echo "device-dev-check: passed" || echo "device-dev-check: FAILED" >&2
exit $failed
