#!/usr/bin/env bash
# dev/device-dev.sh up|down: the dev appengine as a DEVICE reached over Pantavisor's own SSH
# (`make device-dev`, `make device-dev-down`; issue 25).
#
# up: a docker network of its own (--internal, 198.18.N.0/24 of RFC 2544's benchmark range: never
# a real address), a storage volume, a key pair generated for the run, and the dev appengine image
# started on them with PV_DEBUG_SSH_PUBKEY: pv-appengine deploys the baseline revision (the
# pvrexports DEVICE_DEV_BASELINE names) and Pantavisor starts its debug SSH server (debug.c:
# dropbear on port 8222; dev/dropbear-n.sh). It then polls (deadline DEVICE_DEV_TIMEOUT s, the last
# state shown) until the device's host key answers (checked against the key the device holds),
# `ssh _pv_@IP true` answers and every container of the baseline is STARTED (pvcontrol containers ls), writes known_hosts,
# and prints the line to use:
#   DEVICE=_pv_@IP:8222 DEVICE_KEY=dev/out/device-dev/id_ed25519 DEVICE_KNOWN_HOSTS=dev/out/device-dev/known_hosts
# (also kept in dev/out/device-dev/device.env). down: removes exactly what up made (each docker
# object only when it carries up's label) and the output directory.
#
# Variables (each one checked; a bad value is one line, exit 2, nothing started or removed):
#   DEVICE_DEV_NAME=NAME     suffix of every name (container pv-ipam-device-dev-NAME, ...), so
#                            that several people on one docker daemon do not collide
#   IMAGE=REPO:TAG           the dev appengine image (default: dev/out/preset.env's IMAGE, written
#                            by make appengine-dev, else pantavisor-appengine-dev:latest)
#   ARTIFACTS=DIR            the pvrexports (default: make exports-dev's directory)
#   DEVICE_DEV_BASELINE="A B" the pvrexports of the baseline revision (default: one container on
#                            an IPAM pool: pv-example-device-ipam pv-example-net-server)
#   DEVICE_DEV_SUBNET=198.18.N.0/24  the network (default: N from the name, 0 without one)
#   DEVICE_DEV_TIMEOUT=SECS  how long up waits for the device (default 180)
#   DEVICE_DEV_FAULT=        a device-side fault, for issue 25's fault tests:
#     no-return       pv-appengine is started with `-d 1000000`: when Pantavisor stops for a reboot
#                     (a reboot update, `pvcontrol cmd reboot`) it is relaunched only after
#                     1,000,000 s, so the device never comes back (port 8222 refuses)
#     reject-updates  a `pvtx` in front of Pantavisor's on PATH (/usr/local/bin, dev/device-fault-pvtx.sh)
#                     refuses `pvtx commit` (exit 1, one line naming the fault): no update can
#                     be installed; everything else, `pvcontrol cmd run <existing revision>` too, works
# Exit: 0 ok, 2 bad input, 3 environment missing or the device did not come up (then down runs).
set -euo pipefail
DEV_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$DEV_DIR/.." && pwd)
cd "$REPO"

say() { echo "device-dev: $*"; }
usage_error() { echo "device-dev: $*" >&2; exit 2; }
env_error() { echo "device-dev: $*" >&2; exit 3; }
run() { echo "+ $(printf '%q ' "$@")" >&2; "$@"; }

ACTION=${1:-}
case $ACTION in up | down) ;; *) usage_error "usage: dev/device-dev.sh up|down (got '${ACTION}')" ;; esac

NAME=${DEVICE_DEV_NAME:-}
[[ -z $NAME || $NAME =~ ^[a-z0-9][a-z0-9_.-]{0,29}$ ]] || usage_error "DEVICE_DEV_NAME must be 1-30 of a-z 0-9 _ . - (starting with a letter or digit): '$NAME'"
BASE=pv-ipam-device-dev${NAME:+-$NAME}
CONTAINER=$BASE
NETWORK=$BASE-net
VOLUME=$BASE-storage
LABEL=pv-ipam-tests.device-dev
OUT_REL=dev/out/device-dev${NAME:+-$NAME}
OUT=$REPO/$OUT_REL

# ================================================================ down
# each object only when it carries our label (a same-named object of someone else stays)
ours() { [ "$(docker "$1" inspect -f "{{ index .${2}Labels \"$LABEL\" }}" "$3" 2>/dev/null || true)" = "$BASE" ]; }
# Pantavisor attaches a loop device per container root (root.squashfs in the volume), and neither
# `docker rm -f` nor a relaunch detaches them: after the container is gone, detach the host loop
# devices whose backing file is one of the volume's (same device and inode; needs root), as make
# down does (lib/target/docker-boot.ts releaseHostLoops); another appengine's stay attached
release_volume_loops() {
	local mp files dev ino name
	mp=$(docker volume inspect -f '{{.Mountpoint}}' "$VOLUME" 2>/dev/null) || return 0
	[ -d "$mp" ] || { say "loop devices of $VOLUME may remain attached (run as root to release them)"; return 0; }
	files=$(find "$mp" -xdev -type f -name 'root.squashfs*' -printf '%D %i\n' 2>/dev/null | while read -r d i; do echo "$((d >> 8)):$((d & 255)) $i"; done)
	[ -n "$files" ] || return 0
	while read -r name dev ino; do
		grep -qxF "$dev $ino" <<<"$files" && run losetup -d "$name"
	done < <(losetup --list -n -O NAME,BACK-MAJ:MIN,BACK-INO 2>/dev/null)
	return 0
}
down() {
	command -v docker >/dev/null || env_error "docker is not on PATH"
	local removed=()
	if ours container Config. "$CONTAINER"; then run docker rm -f "$CONTAINER" >/dev/null && removed+=("$CONTAINER"); fi
	if ours network "" "$NETWORK"; then run docker network rm "$NETWORK" >/dev/null && removed+=("$NETWORK"); fi
	if ours volume "" "$VOLUME"; then
		release_volume_loops
		run docker volume rm "$VOLUME" >/dev/null && removed+=("$VOLUME")
	fi
	if [ -d "$OUT" ]; then run rm -rf "$OUT" && removed+=("$OUT_REL"); fi
	say "removed: ${removed[*]:-nothing (no $BASE of make device-dev)}"
}
if [ "$ACTION" = down ]; then
	down
	exit 0
fi

# ================================================================ up: inputs
if [ -z "${IMAGE:-}" ]; then
	IMAGE=$(sed -n 's/^IMAGE=//p' dev/out/preset.env 2>/dev/null | tail -n 1 || true)
	IMAGE=${IMAGE:-pantavisor-appengine-dev:latest}
fi
[[ $IMAGE =~ ^[a-z0-9][a-z0-9._/-]*(:[A-Za-z0-9_.-]+)?$ ]] || usage_error "IMAGE is not an image name: '$IMAGE'"
ARTIFACTS=${ARTIFACTS:-dev/out/tmp-scarthgap/deploy/images/docker-x86_64}
BASELINE=${DEVICE_DEV_BASELINE:-pv-example-device-ipam pv-example-net-server}
read -ra BASELINE_LIST <<<"$BASELINE"
[ ${#BASELINE_LIST[@]} -gt 0 ] || usage_error "DEVICE_DEV_BASELINE names no pvrexport"
for b in "${BASELINE_LIST[@]}"; do
	[[ $b =~ ^[A-Za-z0-9][A-Za-z0-9_.-]*$ ]] || usage_error "DEVICE_DEV_BASELINE: not a pvrexport name: '$b'"
done
TIMEOUT=${DEVICE_DEV_TIMEOUT:-180}
[[ $TIMEOUT =~ ^[0-9]{1,5}$ ]] && [ "$TIMEOUT" -ge 1 ] || usage_error "DEVICE_DEV_TIMEOUT must be 1-99999 seconds: '$TIMEOUT'"
FAULT=${DEVICE_DEV_FAULT:-}
case $FAULT in "" | no-return | reject-updates) ;; *) usage_error "DEVICE_DEV_FAULT must be no-return or reject-updates: '$FAULT'" ;; esac
if [ -n "${DEVICE_DEV_SUBNET:-}" ]; then
	SUBNET=$DEVICE_DEV_SUBNET
else
	n=0
	[ -z "$NAME" ] || n=$(($(printf '%s' "$NAME" | cksum | cut -d' ' -f1) % 254 + 1))
	SUBNET=198.18.$n.0/24
fi
# RFC 2544's 198.18.0.0/15 only (198.18.x.y and 198.19.x.y), a /24
[[ $SUBNET =~ ^198\.1[89]\.([0-9]{1,3})\.0/24$ ]] && [ "${BASH_REMATCH[1]}" -le 255 ] ||
	usage_error "DEVICE_DEV_SUBNET must be a /24 of 198.18.0.0/15 (RFC 2544), e.g. 198.18.7.0/24: '$SUBNET'"
PREFIX=${SUBNET%.0/24}
IP=$PREFIX.2
PORT=8222

# ================================================================ up: environment
for c in docker ssh ssh-keygen ssh-keyscan; do
	command -v "$c" >/dev/null || env_error "$c is not on PATH (ssh, ssh-keygen, ssh-keyscan: apt-get install openssh-client; .ci/setup does)"
done
docker image inspect "$IMAGE" >/dev/null 2>&1 || env_error "no image $IMAGE (make appengine-dev PV_SOURCES=...)"
# the key reaches Pantavisor through pv-appengine (PV_DEBUG_SSH_PUBKEY): release 029's does not know it
docker run --rm --network none --entrypoint /bin/grep "$IMAGE" -q PV_DEBUG_SSH_PUBKEY /usr/bin/pv-appengine ||
	env_error "the pv-appengine of $IMAGE does not install PV_DEBUG_SSH_PUBKEY (a later pantavisor does): no key could reach its SSH"
for b in "${BASELINE_LIST[@]}"; do
	[ -f "$ARTIFACTS/$b.pvrexport.tgz" ] || env_error "no $ARTIFACTS/$b.pvrexport.tgz (make exports-dev PV_SOURCES=...)"
done
for kind in container network volume; do
	if docker "$kind" inspect "$(eval echo "\$${kind^^}")" >/dev/null 2>&1; then
		env_error "$kind $(eval echo "\$${kind^^}") exists already: make device-dev-down${NAME:+ DEVICE_DEV_NAME=$NAME} first"
	fi
done

# from here on, a failure removes what was made
T0=$(date +%s.%N)
trap 'rc=$?; if [ $rc -ne 0 ]; then echo "device-dev: up failed (exit $rc): removing what it made" >&2; down >&2 || true; fi' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

rm -rf "$OUT"
mkdir -p "$OUT/pvtx.d"
for b in "${BASELINE_LIST[@]}"; do cp "$ARTIFACTS/$b.pvrexport.tgz" "$OUT/pvtx.d/"; done
run ssh-keygen -q -t ed25519 -N '' -C "$BASE" -f "$OUT/id_ed25519"

# the run options of dev/preset.env without its `--network none` (this device has a network)
OPTS=$(sed -n 's/^DOCKER_RUN_OPTS=//p' dev/preset.env | tail -n 1)
OPTS=${OPTS/--network none/}
eval "RUN_OPTS=($OPTS)" # dev/preset.env is the project's file: its quoting is shell's ('b 7:* rmw')
# pv-appengine relaunches Pantavisor 5 s after it stops for a "reboot" (its -d, default 5): a
# board takes its own time, device-dev relaunches after 1 s (each update and return reboots once)
FAULT_OPTS=() APPENGINE_ARGS=(-d 1)
case $FAULT in
no-return) APPENGINE_ARGS=(-d 1000000) ;;
reject-updates) FAULT_OPTS=(-v "$DEV_DIR/device-fault-pvtx.sh:/usr/local/bin/pvtx:ro") ;;
esac

# docker (20.10) gives a container of an --internal network a default route via the host's bridge
# (which forwards nothing out): deleted before pv-appengine, so that the device's only default
# route is dev/peer.sh's, to the Test 3 peer in a netns of its own (198.51.100.1, on peer0)
NO_DEFAULT_ROUTE='ip route del default 2>/dev/null || true; exec "$@"'
# PV_DEBUG_SSH_PUBKEY: pv-appengine writes it to /etc/pantavisor/ssh/pvtest-authorized_keys, but
# Pantavisor (debug.c) reads that file only when PV_DEBUG_SSH_AUTHORIZED_KEYS names it (else the
# user-meta key pvr-sdk.authorized_keys): both are given, as the pvtest harness does
run docker network create --internal --subnet "$SUBNET" --label "$LABEL=$BASE" "$NETWORK" >/dev/null
run docker volume create --label "$LABEL=$BASE" "$VOLUME" >/dev/null
run docker run -d --name "$CONTAINER" --label "$LABEL=$BASE" --network "$NETWORK" --ip "$IP" "${RUN_OPTS[@]}" \
	-v "$OUT/pvtx.d:/usr/lib/pantavisor/pvtx.d:ro" -v "$VOLUME:/var/pantavisor/storage" "${FAULT_OPTS[@]}" \
	-e "PV_DEBUG_SSH_PUBKEY=$(cat "$OUT/id_ed25519.pub")" -e PV_DEBUG_SSH_AUTHORIZED_KEYS=pvtest-authorized_keys --entrypoint /bin/sh "$IMAGE" -c "$NO_DEFAULT_ROUTE" \
	device-dev pv-appengine "${APPENGINE_ARGS[@]}" >/dev/null

# ================================================================ up: wait for the device
SSH=(ssh -p "$PORT" -i "$OUT/id_ed25519" -o IdentitiesOnly=yes -o BatchMode=yes -o ConnectTimeout=5
	-o UserKnownHostsFile="$OUT/known_hosts" -o StrictHostKeyChecking=yes -o LogLevel=ERROR)
deadline=$(($(date +%s) + TIMEOUT))
last="nothing yet"
waiting() { # what is awaited
	if [ "$(date +%s)" -ge "$deadline" ]; then
		echo "device-dev: the device did not come up within $TIMEOUT s while waiting for $1; last seen: $last" >&2
		docker logs --tail 15 "$CONTAINER" 2>&1 | sed 's/^/device-dev:   container: /' >&2 || true
		exit 3
	fi
	[ "$(docker inspect -f '{{.State.Running}}' "$CONTAINER" 2>/dev/null)" = true ] ||
		{ last="the container stopped: $(docker logs --tail 3 "$CONTAINER" 2>&1 | tr '\n' ' ')"; deadline=0; }
	sleep 0.5 # poll interval
}

# 1. the host key, from the port, and the same key as the device holds (Pantavisor keeps dropbear's
#    keys in storage, /storage/cache/dropbear bind-mounted on /etc/dropbear)
until scan=$(ssh-keyscan -T 5 -t ed25519 -p "$PORT" "$IP" 2>/dev/null) && [ -n "$scan" ]; do
	last="ssh-keyscan -p $PORT $IP: no key"
	waiting "the SSH port"
done
held=$(docker exec "$CONTAINER" dropbearkey -y -f /etc/dropbear/dropbear_ed25519_host_key 2>/dev/null | grep '^ssh-ed25519 ' | cut -d' ' -f1,2)
[ -n "$held" ] && [ "$(cut -d' ' -f2,3 <<<"$scan")" = "$held" ] ||
	env_error "the key on port $PORT ($(cut -d' ' -f2,3 <<<"$scan" | cut -c1-40)...) is not the device's own (${held:0:40}...)"
printf '%s\n' "$scan" >"$OUT/known_hosts"
T_KEY=$(date +%s.%N)

# 2. a login as _pv_ (the key of this run, the known host key)
until out=$("${SSH[@]}" "_pv_@$IP" true 2>&1); do
	last="ssh _pv_@$IP true: ${out:-exit status without a message}"
	waiting "a login as _pv_"
done
T_LOGIN=$(date +%s.%N)

# 3. every container of the baseline STARTED, as pvcontrol says (asked over the SSH it will be used through)
mapfile -t WANT < <(for b in "${BASELINE_LIST[@]}"; do tar -xzOf "$ARTIFACTS/$b.pvrexport.tgz" json; done |
	jq -r 'keys[] | select(endswith("/run.json")) | sub("/run.json$"; "")' | sort -u)
while :; do
	# (its stdout only: fallbear-cmd writes to stderr when it cannot join pid 1's cgroups, below)
	ls=$("${SSH[@]}" "_pv_@$IP" pvcontrol containers ls 2>"$OUT/ssh.err") || ls="$ls$(tail -n 1 "$OUT/ssh.err")"
	missing=()
	for c in "${WANT[@]}"; do
		jq -e --arg c "$c" 'any(.[]?; .name == $c and .status == "STARTED")' <<<"$ls" >/dev/null 2>&1 || missing+=("$c")
	done
	[ ${#missing[@]} -gt 0 ] || break
	last="not STARTED: ${missing[*]}; pvcontrol containers ls: $(tr -d '\n' <<<"$ls" | cut -c1-300)"
	waiting "the baseline's containers"
done
T_UP=$(date +%s.%N)
rev=$("${SSH[@]}" "_pv_@$IP" "tr -d '\\0' </storage/boot/uboot.txt" 2>/dev/null || true)

LINE="DEVICE=_pv_@$IP:$PORT DEVICE_KEY=$OUT_REL/id_ed25519 DEVICE_KNOWN_HOSTS=$OUT_REL/known_hosts"
printf '%s\n' "# written by dev/device-dev.sh up (make device-dev); removed by make device-dev-down" \
	"DEVICE=_pv_@$IP:$PORT" "DEVICE_KEY=$OUT_REL/id_ed25519" "DEVICE_KNOWN_HOSTS=$OUT_REL/known_hosts" >"$OUT/device.env"
secs() { awk -v a="$T0" -v b="$1" 'BEGIN { printf "%.1f", b - a }'; }
say "$CONTAINER ($IMAGE) on $NETWORK $SUBNET, baseline ${BASELINE_LIST[*]} (${rev:-revision unknown}), containers STARTED: ${WANT[*]}${FAULT:+; FAULT: $FAULT}"
say "host key after $(secs "$T_KEY") s, ssh login after $(secs "$T_LOGIN") s, containers STARTED after $(secs "$T_UP") s"
echo "$LINE"
