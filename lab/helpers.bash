# Helpers of the lab's selftests (lab/selftest.sh, lab/selftest-updates.sh), sourced by both.
# The lab's own view, independent of the TypeScript toolkit: each helper does one thing with
# docker exec; every wait polls with a deadline and says what it saw last; no fixed sleeps.
#
# Names: container <LAB_SELFTEST_NAME><the caller's SELFTEST_SUFFIX> (LAB_SELFTEST_NAME, a prefix:
# default pv-lab-selftest; labdev-selftest for a LAB_IMAGE tagged :dev, so a development run never
# touches another's), volume <container>-storage; both removed on exit, loop devices first.
# The lab's delays default to CI's short ones (a case that needs a realistic one passes it to boot).

LAB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
DEPLOY=$LAB_DIR/out/deploy
IMAGE=${LAB_IMAGE:-pantavisor-appengine-lab:latest}
case "$IMAGE" in *:dev) _prefix=labdev-selftest ;; *) _prefix=pv-lab-selftest ;; esac
C=${LAB_SELFTEST_NAME:-$_prefix}${SELFTEST_SUFFIX:-}
V=$C-storage
S=/var/pantavisor/storage
LOG=$S/logs/0/pantavisor/pantavisor.log
T=$(printf '\t')
READY="state revision '0' status is now READY"
export LAB_FIRST_BOOT_DELAY=${LAB_FIRST_BOOT_DELAY:-0} LAB_RESTART_DELAY=${LAB_RESTART_DELAY:-1} LAB_STOP_DELAY=${LAB_STOP_DELAY:-1}
WORK=""
PASS=0 FAIL=0

# ---------------------------------------------------------------- container life
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
	[ -n "$WORK" ] && rm -rf "$WORK"
}
need_lab() { # NAME-OF-THE-CALLER
	[ -d "$DEPLOY" ] || { echo "$1: $DEPLOY missing: run lab/build.sh first" >&2; exit 3; }
	docker image inspect "$IMAGE" >/dev/null 2>&1 || { echo "$1: image $IMAGE missing: run lab/build.sh first" >&2; exit 3; }
}

# boot EXPORTS [FAULTS] [VARIANTS]: a fresh container with these exports (names in lab/out/deploy,
# derived names, or files) and pv-appengine started in it. From the environment: MODE=pipe (the
# plan's bare '&'; default: output to /tmp/pv-appengine.out), PRE (a command run in the container
# before pv-appengine, e.g. hiding nft), NOLOOP=1 (no /dev/loop-control), STOP_DELAY and
# FIRST_BOOT_DELAY (LAB_STOP_DELAY, LAB_FIRST_BOOT_DELAY for this boot).
boot() {
	local e loopopts=(--device /dev/loop-control --device-cgroup-rule 'b 7:* rmw')
	[ "${NOLOOP:-0}" = 1 ] && loopopts=()
	remove_container
	rm -rf "$WORK/pvtx.d"
	mkdir -p "$WORK/pvtx.d"
	for e in $1; do cp "$(export_file "$e")" "$WORK/pvtx.d/" || return 1; done
	docker volume create --label pv-ipam-tests=1 "$V" >/dev/null
	docker run --name "$C" -d --label pv-ipam-tests=1 --network none --cap-add NET_ADMIN --cap-add SYS_ADMIN \
		--cap-add NET_RAW "${loopopts[@]}" -e LAB_FAULTS="${2:-}" -e LAB_VARIANTS="${3:-}" \
		-e LAB_FIRST_BOOT_DELAY="${FIRST_BOOT_DELAY:-$LAB_FIRST_BOOT_DELAY}" -e LAB_RESTART_DELAY \
		-e LAB_STOP_DELAY="${STOP_DELAY:-$LAB_STOP_DELAY}" \
		-v "$WORK/pvtx.d:/usr/lib/pantavisor/pvtx.d" -v "$V:$S" \
		--entrypoint /bin/sh "$IMAGE" -c "sleep infinity" >/dev/null || return 1
	[ -n "${PRE:-}" ] && docker exec "$C" sh -c "$PRE"
	if [ "${MODE:-file}" = pipe ]; then
		docker exec "$C" sh -c 'pv-appengine &' >/dev/null
	else
		docker exec "$C" sh -c 'pv-appengine > /tmp/pv-appengine.out 2>&1 &'
	fi
}
# boot_ready EXPORTS [FAULTS] [VARIANTS]: boot, then wait for revision 0's READY (a FAIL if it never comes)
boot_ready() { boot "$@" && wait_log "$READY" || { bad "boot of '$1'${2:+ LAB_FAULTS=$2}${3:+ LAB_VARIANTS=$3}: no READY"; return 1; }; }
# boot_teardown EXPORTS [FAULTS] [VARIANTS]: boot a revision that is refused, wait for its teardown
boot_teardown() { boot "$@" && wait_log "Tearing down" || { bad "boot of '$1'${2:+ LAB_FAULTS=$2}: no teardown"; return 1; }; }

# ---------------------------------------------------------------- derived exports
# export_file NAME: the pvrexport of NAME: a file, an export of lab/out/deploy, or one of
# scenarios.json's derivedArtifacts (made here from its "edits", the plan's one statement of them)
export_file() {
	local n=$1
	if [ -f "$n" ]; then echo "$n"; elif [ -f "$DEPLOY/$n.pvrexport.tgz" ]; then echo "$DEPLOY/$n.pvrexport.tgz"; else derive "$n"; fi
}
derive() { # NAME -> prints the path of WORK/derived/NAME/<from>.pvrexport.tgz
	local n=$1 spec from x out edits i conf old sha line container
	spec=$(jq -c --arg n "$n" '.derivedArtifacts[$n] // empty' "$LAB_DIR/../scenarios.json")
	[ -n "$spec" ] || { echo "selftest: no export or derived artifact '$n'" >&2; return 1; }
	from=$(jq -r .from <<<"$spec")
	out=$WORK/derived/$n/$from.pvrexport.tgz
	[ -f "$out" ] && { echo "$out"; return 0; }
	x=$WORK/derive-$n
	rm -rf "$x" && mkdir -p "$x" "$(dirname "$out")"
	tar -xzf "$(export_file "$from")" -C "$x" || return 1
	# the JSON edits: device.json, <container>/run.json, <container>/src.json
	jq --argjson edits "$(jq -c .edits <<<"$spec")" 'reduce ($edits[] | to_entries[0]) as $e (.;
		if $e.key == "deviceJson" then setpath(["device.json"] + ($e.value.set | split(".")); $e.value.to)
		elif $e.key == "runJson" then setpath([$e.value.container + "/run.json"] + ($e.value.set | split(".")); $e.value.to)
		elif $e.key == "srcJson" then setpath([$e.value.container + "/src.json"] + ($e.value.set | split(".")); $e.value.to)
		else . end)' "$x/json" >"$x/json.new" && mv "$x/json.new" "$x/json"
	# a line appended to a container's lxc.container.conf: the object is stored under its new sha256
	for i in $(jq -r '.edits | to_entries[] | select(.value.containerConfig) | .key' <<<"$spec"); do
		container=$(jq -r ".edits[$i].containerConfig.container" <<<"$spec")
		line=$(jq -r ".edits[$i].containerConfig.append" <<<"$spec")
		old=$(jq -r --arg k "$container/lxc.container.conf" '.[$k]' "$x/json")
		conf=$x/objects/$old
		printf '%s\n' "$line" >>"$conf"
		sha=$(sha256sum "$conf" | cut -d' ' -f1)
		mv "$conf" "$x/objects/$sha"
		jq --arg k "$container/lxc.container.conf" --arg s "$sha" '.[$k] = $s' "$x/json" >"$x/json.new" && mv "$x/json.new" "$x/json"
	done
	(cd "$x" && tar -cf - json $(ls objects/* 2>/dev/null) | gzip -n >"$out") || return 1
	echo "$out"
}

# ---------------------------------------------------------------- results
ok() { PASS=$((PASS + 1)); echo "  ok   - $*"; }
bad() { FAIL=$((FAIL + 1)); echo "  FAIL - $*"; }
check() { # DESCRIPTION COMMAND...
	local d=$1
	shift
	if "$@"; then ok "$d"; else bad "$d"; return 1; fi
}
eq() { [ "$1" = "$2" ] || { echo "       got '$1', want '$2'"; return 1; }; }
has() { [[ $1 == *"$2"* ]] || { echo "       '$2' not in: ${1:0:300}"; return 1; }; }
not() { ! "$@"; }
summary() { # prints "N passed, N failed" last; the exit status: 0 when nothing failed
	echo "$PASS passed, $FAIL failed"
	[ "$FAIL" = 0 ]
}

# ---------------------------------------------------------------- waits (poll with a deadline)
# wait_until SECS CMD...: poll CMD until it succeeds; on timeout say what it printed last
wait_until() {
	local secs=$1 i out=""
	shift
	for ((i = 0; i < secs * 2; i++)); do
		out=$("$@" 2>&1) && return 0
		sleep 0.5
	done
	echo "       timed out after ${secs}s: $* (last: '${out:0:300}')"
	return 1
}
# wait_eq SECS WANT CMD...: poll until CMD prints WANT; on timeout say what it printed last
wait_eq() {
	local secs=$1 want=$2 got="" i
	shift 2
	for ((i = 0; i < secs * 2; i++)); do
		got=$("$@" 2>/dev/null)
		[ "$got" = "$want" ] && return 0
		sleep 0.5
	done
	echo "       got '$got', want '$want' (polled ${secs}s: $*)"
	return 1
}
# never_within SECS CMD...: CMD does not succeed during SECS (a watch: absence needs a window)
never_within() {
	local secs=$1 i
	shift
	for ((i = 0; i < secs * 2; i++)); do
		"$@" >/dev/null 2>&1 && { echo "       happened: $*"; return 1; }
		sleep 0.5
	done
}
# wait_log TEXT [COUNT] [SECS] [REV]: poll REV's log (default 0) until TEXT appears COUNT times
wait_log() {
	local t=$1 n=${2:-1} secs=${3:-40} rev=${4:-0}
	wait_until "$secs" log_count_ge "$rev" "$t" "$n"
}
log_count_ge() { # REV TEXT N: succeeds when REV's log has N lines with TEXT; prints the count
	local c
	c=$(count "$1" "$2")
	echo "$c line(s) with '$2'"
	[ "$c" -ge "$3" ]
}

# ---------------------------------------------------------------- what the lab shows
dx() { docker exec "$C" sh -c "$1"; }
logf() { printf '%s/logs/%s/pantavisor/pantavisor.log' "$S" "$1"; }
count() { # REV TEXT: the number of REV's log lines holding TEXT
	local n
	n=$(docker exec "$C" grep -cF -- "$2" "$(logf "$1")" 2>/dev/null)
	echo "${n:-0}"
}
log_count() { count 0 "$1"; }
log_has() { docker exec "$C" grep -qF -- "$1" "$LOG"; }
out_count() { # TEXT: lines of pv-appengine's output holding TEXT
	local n
	n=$(docker exec "$C" grep -cF -- "$1" /tmp/pv-appengine.out 2>/dev/null)
	echo "${n:-0}"
}
# seq_in REV TEXT...: REV's log has lines containing each TEXT, in this order (not necessarily adjacent)
seq_in() {
	local rev=$1 t at=0 n
	shift
	docker exec "$C" cat "$(logf "$rev")" >"$WORK/log.txt" 2>/dev/null || { echo "       no log for $rev"; return 1; }
	for t in "$@"; do
		n=$(awk -v t="$t" -v from="$at" 'NR > from && index($0, t) { print NR; exit }' "$WORK/log.txt")
		if [ -z "$n" ]; then echo "       not found after line $at of $rev's log: '$t'"; return 1; fi
		at=$n
	done
}
log_seq() { seq_in 0 "$@"; }
lxcls() { dx 'lxc-ls -f -F NAME,STATE,IPV4' 2>/dev/null; }
ip_of() { lxcls | awk -v n="$1" '$1 == n { print $3 }'; }
state_of() { lxcls | awk -v n="$1" '$1 == n { print $2 }'; }
state_ip() { lxcls | awk -v n="$1" '$1 == n { print $2 "/" $3 }'; }
pid_of() { dx "lxc-info -n $1 -p -H" 2>/dev/null; }
no_running() { ! lxcls | grep -q RUNNING; }
ping_loss() { # CONTAINER TARGET -> prints the loss percentage
	docker exec "$C" pventer -c "$1" ping -c 2 "$2" 2>&1 | sed -n 's/.* \([0-9]*\)% packet loss.*/\1/p'
}
masq_count() { dx 'nft list ruleset' | grep -c masquerade; }
masq_for() { dx 'nft list ruleset' | grep -c "ip saddr $1 "; }
uboot() { dx "tr '\\0' '|' < $S/boot/uboot.txt"; }
current() { dx "readlink $S/logs/current"; }
# loops: the platforms whose root.squashfs has a loop device attached, as busybox 'losetup -a'
# lists them (it prints the kernel's lo_file_name: at most 63 characters)
loops() {
	dx 'losetup -a' | sed -n 's|^/dev/loop[0-9]*: 0 /var/pantavisor/storage/trails/0/\([^/]*\)/.*|\1|p' | sort | tr '\n' ' ' | sed 's/ $//'
}
uniq_loops() { loops | tr ' ' '\n' | sort -u | tr '\n' ' ' | sed 's/ $//'; }

# ---------------------------------------------------------------- updates
progress() { docker exec "$C" pvcontrol steps show-progress "$1" 2>/dev/null; }
pstatus() { progress "$1" | jq -r '.status // empty' 2>/dev/null; }
final_with_logs() { # REV: a final status, and (UPDATED/DONE/ERROR reported a tick later) its logs
	local s
	s=$(pstatus "$1")
	echo "status '${s:-no answer}'"
	case "$s" in UPDATED | DONE | ERROR | WONTGO) ;; *) return 1 ;; esac
}
# wait_final REV SECS: poll show-progress until the status is final; then up to 4 s more for its
# logs key (an update that logged no ERROR never gets one)
wait_final() {
	wait_until "$2" final_with_logs "$1" || return 1
	wait_until 4 eval "progress '$1' | jq -e 'has(\"logs\")'" >/dev/null || true
}
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

# run_cases USAGE-NAME ALL CASE...: runs the cases named (default: ALL), each a function case_<NAME>;
# an unknown case name is exit 2 before anything starts
run_cases() {
	local me=$1 all=$2 w
	shift 2
	local want=("$@")
	[ ${#want[@]} -gt 0 ] || read -ra want <<<"$all"
	for w in "${want[@]}"; do
		declare -F "case_$w" >/dev/null || { echo "$me: unknown case '$w' (cases: $all)" >&2; exit 2; }
	done
	need_lab "$me"
	WORK=$(mktemp -d "${TMPDIR:-/tmp}/$C.XXXXXX")
	trap cleanup EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
	for w in "${want[@]}"; do "case_$w"; done
	summary
}
