#!/usr/bin/env bash
# bash test/device-no-docker.sh: TARGET=device needs no docker (issue 25, the ssh driver), proved on
# `make device-dev`: the toolkit runs with a PATH that has every host tool but docker, and a
# `docker` first on it that records its call and fails loudly. Checked, each over Pantavisor's
# own SSH (lib/target/ssh.ts):
#   1. make shell TARGET=device CMD=... and make logs TARGET=device FOLLOW=0: their output, their echo
#   2. the driver's exec: output and exit status, stdin streamed in (`wc -c`), copyIn/copyOut
#      round trips of a file and a directory, the host-side deadline, requireReachable
#   3. ssh's own failures, end to end through make shell: a wrong key, a closed port, an unknown
#      host key: each one line, exit 3, the class named (and ssh's stderr kept in OUT_DIR to
#      compare with test/samples/ssh/)
#   4. no call of docker at all
# The device: DEVICE (+ DEVICE_KEY, DEVICE_KNOWN_HOSTS) when set, else its own device-dev
# (DEVICE_DEV_NAME=nodocker, made with docker on the normal PATH from the dev appengine image
# that make appengine-dev built, or IMAGE=; removed at the end). Neither: one line, skipped.
# Exit: 0 all passed (or skipped), 1 a check failed, 3 the device did not come up.
set -uo pipefail
cd "$(dirname "$0")/.."
REPO=$PWD
failed=0
pass() { echo "device-no-docker: ok   $*"; }
fail() { echo "device-no-docker: FAIL $*" >&2; failed=1; }

WORK=$(mktemp -d /tmp/device-no-docker.XXXXXX)
made_device=0
cleanup() {
	[ $made_device = 0 ] || DEVICE_DEV_NAME=nodocker bash dev/device-dev.sh down >/dev/null 2>&1 || echo "device-no-docker: device-dev down failed" >&2
	rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

if [ -z "${DEVICE:-}" ] && [ -z "${IMAGE:-}" ] && [ ! -f dev/out/preset.env ]; then
	# as .ci/real without the Pantavisor sources: no dev appengine built here, nothing to make a device of
	echo "device-no-docker: skipped: no dev appengine image (make appengine-dev PV_SOURCES=...; .ci/real builds it) and no DEVICE"
	exit 0
fi
if [ -z "${DEVICE:-}" ]; then
	made_device=1
	out=$(DEVICE_DEV_NAME=nodocker bash dev/device-dev.sh up 2>&1) || {
		printf '%s\n' "$out" | tail -n 5 >&2
		echo "device-no-docker: make device-dev failed" >&2
		exit 3
	}
	line=$(grep '^DEVICE=' <<<"$out" | tail -n 1)
	[[ $line =~ ^DEVICE=([^ ]+)\ DEVICE_KEY=([^ ]+)\ DEVICE_KNOWN_HOSTS=([^ ]+)$ ]] || { echo "device-no-docker: no DEVICE= line from make device-dev" >&2; exit 3; }
	DEVICE=${BASH_REMATCH[1]} DEVICE_KEY=$REPO/${BASH_REMATCH[2]} DEVICE_KNOWN_HOSTS=$REPO/${BASH_REMATCH[3]}
fi
export DEVICE DEVICE_KEY="${DEVICE_KEY:-}" DEVICE_KNOWN_HOSTS="${DEVICE_KNOWN_HOSTS:-}" TARGET=device
host=${DEVICE#*@} host=${host%:*}
port=${DEVICE##*:}

# the PATH: every command of the host's PATH as a link, except docker; a loud docker first
BIN=$WORK/bin
DOCKER_LOG=$WORK/docker-calls
. test/path-without-docker.sh
path_without_docker "$BIN" "$DOCKER_LOG" device-no-docker || exit 3
NODOCKER_PATH=$BIN
nodocker() { env PATH="$NODOCKER_PATH" "$@"; }

# 1. make shell and make logs
got=$(nodocker make -s shell CMD='echo "shell-$((6 * 7))"; pvcontrol containers ls' </dev/null 2>&1)
rc=$?
# pvcontrol answers a JSON list of the containers, each with its status (STARTED on 303584a7)
if [ $rc = 0 ] && grep -qx 'shell-42' <<<"$got" && grep -q '^\[{"name":"[^"]*",.*"status":"' <<<"$got" && grep -q "^+ ssh -p $port " <<<"$got"; then
	pass "make shell TARGET=device CMD=...: exit 0, the command's output, echoed as $(grep '^+ ' <<<"$got" | cut -c1-90)..."
else
	fail "make shell TARGET=device CMD=...: exit $rc: $(head -c 600 <<<"$got")"
fi
got=$(nodocker make -s logs FOLLOW=0 </dev/null 2>&1)
rc=$?
if [ $rc = 0 ] && grep -q 'pantavisor' <<<"$got" && [ "$(wc -l <<<"$got")" -gt 10 ]; then
	pass "make logs TARGET=device FOLLOW=0: exit 0, $(wc -l <<<"$got") lines of pantavisor.log"
else
	fail "make logs TARGET=device FOLLOW=0: exit $rc: $(head -c 600 <<<"$got")"
fi

# 2. the driver's calls (test/device-driver-live.ts: config() and lib/target/ssh.ts), under the same PATH
mkdir -p "$WORK/driver"
got=$(nodocker node --import tsx test/device-driver-live.ts "$WORK/driver" 2>&1)
rc=$?
while IFS= read -r l; do
	case $l in ok\ *) pass "driver: ${l#ok }" ;; FAIL\ *) fail "driver: ${l#FAIL }" ;; *) [ -z "$l" ] || fail "driver: $l" ;; esac
done <<<"$got"
[ $rc = 0 ] || fail "driver calls: exit $rc"

# 3. ssh's own failures through make shell: one line, exit 3, the class named
OUT_DIR=${OUT_DIR:-$WORK/stderr}
mkdir -p "$OUT_DIR"
ssh-keygen -q -t ed25519 -N '' -f "$WORK/wrong" -C device-no-docker-wrong
: >"$WORK/empty_known_hosts"
fault() { # NAME PATTERN VAR=VALUE...: make shell with those values; its stderr is one line, exit 3, matching
	local name=$1 pattern=$2
	shift 2
	got=$(nodocker env "$@" make -s shell CMD=true </dev/null 2>"$OUT_DIR/$name.make")
	rc=$?
	local err
	err=$(grep -v '^make: \*\*\*' "$OUT_DIR/$name.make")
	if [ $rc = 2 ] && grep -q 'Error 3$' "$OUT_DIR/$name.make" && [ "$(wc -l <<<"$err")" = 1 ] && grep -qE "$pattern" <<<"$err"; then
		pass "$name: one line, exit 3: $err"
	else
		fail "$name: exit $rc, want make's Error 3 and one line matching /$pattern/: $(cat "$OUT_DIR/$name.make")"
	fi
	# ssh's own stderr for the same, to compare with test/samples/ssh/
	nodocker ssh -p "${SSH_PORT:-$port}" -i "${SSH_KEY:-$DEVICE_KEY}" -o UserKnownHostsFile="${SSH_KH:-$DEVICE_KNOWN_HOSTS}" -o StrictHostKeyChecking=yes \
		-o BatchMode=yes -o ConnectTimeout=10 -n "_pv_@$host" true 2>"$OUT_DIR/$name.stderr"
}
SSH_KEY=$WORK/wrong fault wrong-key 'refused the key .*Permission denied \(publickey' DEVICE_KEY="$WORK/wrong"
SSH_PORT=8223 fault refused 'nothing listens on .*Connection refused' DEVICE="_pv_@$host:8223"
SSH_KH=$WORK/empty_known_hosts fault unknown-host "host key is not in .*ssh-keyscan -p $port $host >> " DEVICE_KNOWN_HOSTS="$WORK/empty_known_hosts"
[ ! -s "$WORK/empty_known_hosts" ] && pass "the unknown host key was not added to the known-hosts file" || fail "ssh added a host key: $(cat "$WORK/empty_known_hosts")"

# 4. docker never called
if [ -s "$DOCKER_LOG" ]; then fail "docker was called: $(tr '\n' ';' <"$DOCKER_LOG")"; else pass "docker was never called (a PATH without it, a loud one first)"; fi

[ $failed = 0 ] && echo "device-no-docker: passed" || echo "device-no-docker: FAILED" >&2
exit $failed
