#!/usr/bin/env bash
# make chaos: the toolkit's own failure modes, each run through the real CLI against the lab.
# Every case asserts the exit status, the one line that explains it, and that nothing the
# toolkit made is left behind (containers and volumes labelled pv-ipam-tests, host netns,
# staged pvtx.d files and lock files, host loop devices backed by a trail's root.squashfs).
#   CHAOS_CASES="signal hang"   only the cases whose names start with these words (one lane)
# Ends with one line: chaos: N cases, N passed, leftovers 0
#
# The cases run in two lanes at once (most of a case is waiting on the lab), each with its own
# names (pva-chaos-a, storage-chaos-a, pvtx.d-chaos-a; -b), so a lane judges what its own
# cases left by name. Loop devices and host netns cannot be told apart by lane: what is left of
# those is judged once both lanes are done, against what was there before chaos started.
set -uo pipefail
cd "$(dirname "$0")/.."

if [ -z "${CHAOS_LANE:-}" ]; then
  before=$(mktemp) results=$(mktemp -d); trap 'rm -rf "$before" "$results"' EXIT
  bash .ci/leak-check --list | sort >"$before"
  [ -s "$before" ] && echo "chaos: already there before the cases (not counted): $(tr '\n' ' ' <"$before")"
  if [ -n "${CHAOS_CASES:-}" ]; then
    CHAOS_LANE=a CHAOS_RESULT=$results/a bash "$0"
  else
    # two lanes of about equal length; each prints its cases when it is done
    echo "chaos: two lanes at once (a: signals, hangs, bad input; b: the environment, names, hostile output); their cases print when both are done"
    CHAOS_LANE=a CHAOS_RESULT=$results/a CHAOS_CASES="signal hang scenarios artifact" bash "$0" >"$results/a.out" 2>&1 &
    CHAOS_LANE=b CHAOS_RESULT=$results/b CHAOS_CASES="docker second down killed evidence capability hostile" bash "$0" >"$results/b.out" 2>&1 &
    wait
    cat "$results/a.out" "$results/b.out"
  fi
  read -r cases passed left < <(cat "$results"/a "$results"/b 2>/dev/null | awk '{ c += $1; p += $2; l += $3 } END { print c + 0, p + 0, l + 0 }')
  late=$(comm -13 "$before" <(bash .ci/leak-check --list | sort))
  if [ -n "$late" ]; then
    echo "BAD  left once both lanes were done: $(echo "$late" | tr '\n' ' ')"
    left=$((left + $(echo "$late" | wc -l)))
  fi
  echo
  echo "chaos: $cases cases, $passed passed, leftovers $left"
  [ "$cases" -gt 0 ] && [ "$passed" = "$cases" ] && [ "$left" = 0 ]
  exit
fi

# ---------------------------------------------------------------- one lane
C=pva-chaos-$CHAOS_LANE V=storage-chaos-$CHAOS_LANE P=pvtx.d-chaos-$CHAOS_LANE
export CONTAINER=$C VOLUME=$V PVTXD=$P

export TARGET=lab
# the lab's realistic delays only slow these cases down
export LAB_FIRST_BOOT_DELAY=${LAB_FIRST_BOOT_DELAY:-0} LAB_RESTART_DELAY=${LAB_RESTART_DELAY:-1} LAB_STOP_DELAY=${LAB_STOP_DELAY:-3}
# a FAIL here is expected, not investigated: 2 s of the same verdicts is enough (as in make mutation)
export SETTLE_STABLE=${SETTLE_STABLE:-2}
export NO_COLOR=1 PROGRESS=0
work=$(mktemp -d "${TMPDIR:-/tmp}/pv-ipam-chaos.XXXXXX")
export REPORT_DIR=$work/reports
trap 'rm -rf "$work"' EXIT

NODE=(node --import tsx)
DENO=(./node_modules/.bin/deno run -A --quiet)
command -v deno >/dev/null 2>&1 && DENO=(deno run -A --quiet)

cases=0 passed=0 leftovers_total=0 case_t0=$SECONDS
want_case() { [ -z "${CHAOS_CASES:-}" ] && return 0; local w; for w in $CHAOS_CASES; do [[ $1 == "$w"* ]] && return 0; done; return 1; }

# what this lane's cases made and did not take away, one item per line: its container, volume,
# staged files and lock (loop devices and netns are judged when both lanes are done)
leftovers() {
  # by name, labelled or not: a `docker run -v` that outlives its teardown re-creates the volume
  # without the label
  docker ps -a --format 'container {{.Names}}' 2>/dev/null | grep -x "container $C"
  docker volume ls --format 'volume {{.Name}}' 2>/dev/null | grep -x "volume $V"
  ls -d "$P"/*.pvrexport.tgz "$P.lock" 2>/dev/null | sed 's/^/staged /'
}

# wait_for FILE REGEX SECONDS: poll a file until a line matches, with a deadline
wait_for() {
  local deadline=$((SECONDS + $3))
  until grep -qE "$2" "$1" 2>/dev/null; do
    [ $SECONDS -lt $deadline ] || return 1
    sleep 0.05 # poll interval
  done
}

# verdict NAME WANT-RC RC REGEX OUT [extra failure text]
verdict() {
  local name=$1 want=$2 rc=$3 re=$4 out=$5 extra=${6:-} left ok=1 why=""
  cases=$((cases + 1))
  left=$(leftovers)
  [ "$rc" = "$want" ] || { ok=0; why="exit $rc, want $want"; }
  if [ -n "$re" ] && ! grep -qE "$re" "$out"; then ok=0; why="${why:+$why; }no line matching /$re/"; fi
  if grep -q 'internal error' "$out"; then ok=0; why="${why:+$why; }internal error"; fi
  if [ -n "$left" ]; then ok=0; why="${why:+$why; }left behind: $(echo "$left" | tr '\n' ' ')"; leftovers_total=$((leftovers_total + $(echo "$left" | wc -l))); fi
  [ -n "$extra" ] && { ok=0; why="${why:+$why; }$extra"; }
  if [ $ok = 1 ]; then
    passed=$((passed + 1))
    printf 'ok   %-46s %3d s  exit %s; %s\n' "$name" $((SECONDS - case_t0)) "$rc" "$(grep -E "$re" "$out" | head -1 | cut -c1-100)"
  else
    printf 'BAD  %-46s %3d s  %s\n' "$name" $((SECONDS - case_t0)) "$why"
    sed 's/^/       | /' "$out" | tail -15
    # take away what this case left, and only that, so the next case starts clean
    while read -r kind item _; do
      case "$kind" in
      container) docker rm -f "$item" >/dev/null 2>&1 ;;
      volume) docker volume rm "$item" >/dev/null 2>&1 ;;
      staged) rm -f "$item" ;;
      esac
    done <<<"$left"
  fi
  case_t0=$SECONDS
}

# ---------------------------------------------------------------- signals, in each phase
# signal_case NAME RUNTIME SIGNAL TEST MARKER-REGEX [delay after the marker]
signal_case() {
  local name=$1 runtime=$2 sig=$3 test=$4 marker=$5 out=$work/$1.out pid rc want
  want_case "$name" || return 0
  local cmd=("${NODE[@]}"); [ "$runtime" = deno ] && cmd=("${DENO[@]}")
  setsid "${cmd[@]}" scripts/test.ts "$test" >"$out" 2>&1 &
  pid=$!
  if ! wait_for "$out" "$marker" 60; then
    kill -KILL -- -"$pid" 2>/dev/null; wait "$pid" 2>/dev/null
    verdict "$name" x x "" "$out" "the marker /$marker/ never appeared"; return
  fi
  kill -"$sig" -- -"$pid"
  wait "$pid"; rc=$?
  want=$([ "$sig" = INT ] && echo 130 || echo 143)
  verdict "$name" "$want" "$rc" "^SIG$sig: stopping, then tearing down" "$out"
}

phases=(
  "stage|6|pvrexports checked"
  "docker-run|6|^\+ docker run "
  "boot-wait|6|pv-appengine > "
  "step-command|6|pvcontrol containers stop"
  "gather-round|3|boot: ready"
  "teardown|1|<detach the loop devices"
)
for p in "${phases[@]}"; do
  IFS='|' read -r phase test marker <<<"$p"
  signal_case "signal-$phase-node-SIGINT" node INT "$test" "$marker"
  signal_case "signal-$phase-deno-SIGTERM" deno TERM "$test" "$marker"
done
signal_case "signal-boot-wait-node-SIGTERM" node TERM 1 "pv-appengine > "
signal_case "signal-gather-round-deno-SIGINT" deno INT 3 "boot: ready"

# ---------------------------------------------------------------- targets that do not answer
if want_case hang-boot; then
  out=$work/hang-boot.out; t0=$SECONDS
  LAB_FAULTS=hang-boot BOOT_TIMEOUT=5 "${NODE[@]}" scripts/test.ts 1 >"$out" 2>&1; rc=$?
  took=$((SECONDS - t0))
  rep=$(ls "$REPORT_DIR"/*-test-1/report.json 2>/dev/null | tail -1)
  seen=$(jq -r '.scenarios[0].waits[0].lastSeen // empty' "$rep" 2>/dev/null)
  # from pv-appengine's start to the verdict; the whole command also starts the runtime and docker
  boot=$(jq -r '.scenarios[0].clock | (.verdict - .appengineStart) | floor' "$rep" 2>/dev/null)
  extra=""; [ "${boot:-99}" -le 10 ] || extra="verdict ${boot:-?} s after pv-appengine started (> BOOT_TIMEOUT + 5)"
  [ -n "$seen" ] || extra="${extra:+$extra; }report.json has no lastSeen"
  # a target that never becomes ready is one ERROR "did not boot" (exit 3) quoting the last
  # state seen and the logs' last lines, not a FAIL of every check
  verdict "hang-boot (BOOT_TIMEOUT=5; verdict at ${boot:-?} s, $took s in all)" 3 $rc "ERROR \\(did not boot: not ready after .*last seen: .*IPAM subsystem initialized" "$out" "$extra"
  rm -rf "$REPORT_DIR"
fi
if want_case hang-lxc-ls; then
  out=$work/hang-lxc-ls.out; t0=$SECONDS
  LAB_FAULTS=hang-lxc-ls CMD_TIMEOUT=2 "${NODE[@]}" scripts/test.ts 1 >"$out" 2>&1; rc=$?
  took=$((SECONDS - t0))
  # the timeout's own evidence is the quoted line; the run ending at all is what this case adds
  # lxc-ls killed by the timeout made no evidence: its checks are ERRORs and the run exits 3
  verdict "hang-lxc-ls (CMD_TIMEOUT=2; $took s in all)" 3 $rc "lxc-ls.txt missing: killed by its 2 s timeout" "$out"
fi

# ---------------------------------------------------------------- the environment goes away
if want_case docker-kill; then
  out=$work/docker-kill.out
  setsid "${NODE[@]}" scripts/test.ts 6 >"$out" 2>&1 &
  pid=$!
  wait_for "$out" "baseline: ready" 60 && docker kill "$C" >/dev/null 2>&1
  wait "$pid"; rc=$?
  verdict "docker-kill mid-run" 3 $rc "container $C went away" "$out"
fi
if want_case docker-unreachable; then
  out=$work/docker-unreachable.out
  DOCKER_HOST=unix:///nonexistent/docker.sock "${NODE[@]}" scripts/test.ts 1 >"$out" 2>&1; rc=$?
  verdict "docker-unreachable (DOCKER_HOST)" 3 $rc "^pv-ipam-tests: docker daemon not reachable" "$out"
fi
if want_case second-run || want_case down-while-running; then
  # while one run holds the names: a second run and `make down` are both refused, naming it,
  # and the first run is unharmed (one first run serves both cases)
  out=$work/second-run.out down=$work/down-running.out first=$work/first-run.out
  # a 10 s stop keeps the first run holding the names well past both attempts
  LAB_STOP_DELAY=10 setsid "${NODE[@]}" scripts/test.ts 6 >"$first" 2>&1 &
  pid=$!
  wait_for "$first" "baseline: ready" 60
  "${NODE[@]}" scripts/test.ts 1 >"$out" 2>&1 &
  second=$!
  "${NODE[@]}" scripts/down.ts >"$down" 2>&1; rc_down=$?
  wait "$second"; rc=$?
  wait "$pid"; rc1=$?
  extra=""; [ $rc1 = 0 ] || extra="the first run was harmed: exit $rc1"
  want_case second-run && verdict "second run with the same names" 3 $rc "error: $C and .*$P are in use by run .*-test-6 \(pid [0-9]+" "$out" "$extra"
  want_case down-while-running && verdict "make down while a run holds the names" 3 $rc_down "$C is in use by run .*-test-6 \(pid [0-9]+.*stop that run" "$down" "$extra"
fi
if want_case killed-run; then
  # SIGKILL leaves everything (no teardown can run); the next run with the same names must
  # take it all away (container, volume, the loop devices, the stale lock, staged files) and pass
  out=$work/killed-run.out first=$work/killed-first.out
  setsid "${NODE[@]}" scripts/test.ts 1 >"$first" 2>&1 &
  pid=$!
  extra=""
  wait_for "$first" "boot: ready" 60 || extra="the first run never got ready"
  kill -KILL -- -"$pid" 2>/dev/null; wait "$pid" 2>/dev/null
  left=$(leftovers | awk '{ print $1 }' | sort -u | tr '\n' ' ')
  "${NODE[@]}" scripts/test.ts 1 >"$out" 2>&1; rc=$?
  # the loop devices the killed run's container held are released by the next run, before it
  # boots: inside the container, or on the host once their files are gone with it
  grep -qE '^  released /dev/loop|^\+ losetup -d /dev/loop' "$out" && left="$left""loop "
  [[ $left == *container*loop* ]] || extra="${extra:+$extra; }SIGKILL left only: $left"
  grep -q "PASSED" "$out" || extra="${extra:+$extra; }the second run did not pass"
  verdict "killed-run (SIGKILL left: $left), then a run" 0 $rc "left by an earlier run, removed first: container $C, volume $V" "$out" "$extra"
fi
if want_case killed-run-down; then
  # the same, cleaned up by make down: the stale lock goes too
  out=$work/killed-down.out first=$work/killed-down-first.out
  setsid "${NODE[@]}" scripts/test.ts 1 >"$first" 2>&1 &
  pid=$!
  extra=""
  wait_for "$first" "boot: ready" 60 || extra="the first run never got ready"
  kill -KILL -- -"$pid" 2>/dev/null; wait "$pid" 2>/dev/null
  "${NODE[@]}" scripts/down.ts >"$out" 2>&1; rc=$?
  verdict "killed-run, then make down" 0 $rc "docker volume rm $V" "$out" "$extra"
fi
# ---------------------------------------------------------------- a FAIL's "see:" command shows its evidence
if want_case evidence-command; then
  out=$work/evidence.out
  KEEP=1 LAB_FAULTS=no-bridge "${NODE[@]}" scripts/test.ts 1 >"$out" 2>&1; rc=$?
  see=$(sed -n 's/^ *see: *//p' "$out" | head -1)
  shown=$( [ -n "$see" ] && sh -c "$see" 2>&1 )
  extra=""
  grep -q 'pvbr0' <<<"$shown" || extra="\`$see\` did not show pvbr0: $shown"
  grep -q 'inet 10.0.5.1/24' <<<"$shown" && extra="${extra:+$extra; }\`$see\` shows the address the FAIL says is missing"
  make -s down >/dev/null 2>&1
  verdict "evidence-command (KEEP=1, no-bridge): $see" 1 $rc "^ +see: +docker exec $C ip addr show pvbr0" "$out" "$extra"
fi

# ---------------------------------------------------------------- bad scenarios files: exit 2, nothing started
bad_plan() { # NAME JQ-FILTER REGEX  (or a raw text with RAW:)
  local name=$1 filter=$2 re=$3 file=$work/$1.json out=$work/$1.out rc
  want_case "$name" || return 0
  if [[ $filter == RAW:* ]]; then printf '%s' "${filter#RAW:}" >"$file"; else jq "$filter" scenarios.json >"$file"; fi
  cp scenarios.schema.json "$work/" 2>/dev/null
  SCENARIOS=$file "${NODE[@]}" scripts/test.ts 1 >"$out" 2>&1; rc=$?
  [ "$(grep -c . "$out")" = 1 ] || { verdict "$name" 2 "$rc" "$re" "$out" "not one line"; return; }
  verdict "$name" 2 $rc "$re" "$out"
}
bad_plan "scenarios-invalid-json" 'RAW:{ "plan": ' "^pv-ipam-tests: scenarios.json is not valid JSON"
bad_plan "scenarios-schema-violation" '.scenarios[0].steps[0].checks[0].state = "DANCING"' "^pv-ipam-tests: scenarios.json/scenarios/0/steps/0/checks/0/state: must be equal to one of the allowed values"
bad_plan "scenarios-unknown-kind" '.scenarios[0].steps[0].checks[0].kind = "container-dances"' "^pv-ipam-tests: scenarios.json/scenarios/0/steps/0/checks/0: unknown check kind 'container-dances'"
bad_plan "scenarios-duplicate-id" '.scenarios[1].steps[0].checks[0].id = .scenarios[0].steps[0].checks[0].id' "^pv-ipam-tests: scenarios.json: check id 't1-client-running' appears twice"
bad_plan "scenarios-missing-artifact" '.scenarios[0].artifacts += ["pv-example-net-nonexistent"]' "^pv-ipam-tests: scenarios.json: Test 1 names artifact 'pv-example-net-nonexistent'"

# ---------------------------------------------------------------- bad artifacts: exit 3 naming the file, nothing started
bad_artifact() { # NAME HOW REGEX
  local name=$1 how=$2 re=$3 dir=$work/artifacts-$1 out=$work/$1.out rc f
  want_case "$name" || return 0
  rm -rf "$dir"; cp -r lab/out/deploy "$dir"
  f=$dir/pv-example-net-client.pvrexport.tgz
  case "$how" in
  missing) rm -f "$f" ;;
  empty) : >"$f" ;;
  not-gzip) echo "this is not a pvrexport" >"$f" ;;
  truncated) head -c $(($(stat -c %s "$f") / 2)) "$f" >"$f.cut" && mv "$f.cut" "$f" ;;
  no-json) mkdir "$dir/x" && tar -xzf "$f" -C "$dir/x" && tar -czf "$f" -C "$dir/x" objects && rm -rf "$dir/x" ;;
  bad-sha) mkdir "$dir/x" && tar -xzf "$f" -C "$dir/x" && for o in "$dir"/x/objects/*; do echo tampered >>"$o"; break; done && tar -czf "$f" -C "$dir/x" json $(cd "$dir/x" && ls objects/*) && rm -rf "$dir/x" ;;
  esac
  ARTIFACTS=$dir "${NODE[@]}" scripts/test.ts 1 >"$out" 2>&1; rc=$?
  # one line and nothing else: no docker command was echoed, so nothing was started
  extra=""; [ "$(grep -c . "$out")" = 1 ] || extra="not one line"
  verdict "$name ($how)" 3 $rc "$re" "$out" "$extra"
  rm -rf "$dir"
}
bad_artifact artifact-missing missing "^pv-ipam-tests: Test 1 needs pv-example-net-client.pvrexport.tgz in .*; run .make lab.$"
bad_artifact artifact-empty empty "^pv-ipam-tests: .*/pv-example-net-client.pvrexport.tgz: empty file$"
bad_artifact artifact-not-gzip not-gzip "^pv-ipam-tests: .*/pv-example-net-client.pvrexport.tgz: not a gzip file$"
bad_artifact artifact-truncated truncated "^pv-ipam-tests: .*/pv-example-net-client.pvrexport.tgz: truncated or corrupt"
bad_artifact artifact-no-json no-json "^pv-ipam-tests: .*/pv-example-net-client.pvrexport.tgz: no 'json' entry"
bad_artifact artifact-bad-sha bad-sha "^pv-ipam-tests: .*/pv-example-net-client.pvrexport.tgz: objects/.* has sha256 .*: corrupt$"

# ---------------------------------------------------------------- hostile outputs inside the container
# a copy of scenarios.json whose Test N runs extra before-boot commands
hostile() { # NAME TEST BEFORE-BOOT WANT-RC REGEX [MAX-RSS-MB]
  local name=$1 test=$2 cmd=$3 want=$4 re=$5 max=${6:-} plan=$work/$1.json out=$work/$1.out rc rss extra=""
  want_case "$name" || return 0
  jq --arg id "$test" --arg c "$cmd" '(.scenarios[] | select(.id == $id)).beforeBoot += [$c]' scenarios.json >"$plan"
  SCENARIOS=$plan /usr/bin/time -f 'maxrss_kb=%M' -o "$work/$name.rss" "${NODE[@]}" scripts/test.ts "$test" >"$out" 2>&1; rc=$?
  rss=$(sed -n 's/^maxrss_kb=//p' "$work/$name.rss" | tail -1)
  if [ -n "$max" ]; then
    [ -n "$rss" ] && [ "$rss" -lt $((max * 1024)) ] || extra="peak memory ${rss:-?} KiB (want < $max MB)"
    name="$name (peak $((${rss:-0} / 1024)) MB)"
  fi
  verdict "$name" "$want" $rc "$re" "$out" "$extra"
}
LOG=/var/pantavisor/storage/logs/0/pantavisor/pantavisor.log
# a target without iptables (as the appengine images are): iptables-fallback is SKIPPED before
# anything boots, and REQUIRE=iptables turns that into a failure
hostile capability-absent-skipped iptables-fallback 'p=$(command -v iptables) && rm -f "$p"; true' 0 "^SKIP  Test iptables-fallback: requires iptables: no iptables in the target \\(command -v iptables: exit [0-9]+\\)"
REQUIRE=iptables hostile capability-absent-required iptables-fallback 'p=$(command -v iptables) && rm -f "$p"; true' 1 "^FAIL  requires-iptables"
# output the parsers cannot read is an ERROR (exit 3) quoting it, never "no containers"/"no rules"
hostile hostile-lxc-ls-garbage 1 "printf '#!/bin/sh\\necho \"NAME garbage \\\\001\\\\002 STATE\"\\necho \"pv-example-net-client ??? 10.0.5.x\"\\n' > /usr/bin/lxc-ls" 3 "^ERROR t1-client-running"
# Test 7 PASSED on this before (an unknown column read as "no containers", with one RUNNING)
hostile hostile-lxc-ls-extra-column 7 "printf '#!/bin/sh\\necho \"NAME                  STATE   IPV4     MEMORY\"\\necho \"pv-example-net-server RUNNING 10.0.5.3 12MB\"\\n' > /usr/bin/lxc-ls" 3 "^ERROR t7-no-container-running"
# a warning line before a header lxc-ls prints is still read
hostile hostile-lxc-ls-warning 1 "mv /usr/bin/lxc-ls /usr/bin/lxc-ls.real && printf '#!/bin/sh\\necho \"lxc-ls: warning: a line before the header\"\\nexec /usr/bin/lxc-ls.real \"\$@\"\\n' > /usr/bin/lxc-ls && chmod +x /usr/bin/lxc-ls" 0 "^Test 1: PASSED"
# a tool the gathering needs is missing: the preflight says so before the boot (exit 3)
hostile hostile-nft-missing 4 "rm -f /usr/sbin/nft" 3 "^error: Test 4: the image .* has no command nft \\(the gathering of nft-ruleset.txt: nft list ruleset\\); nothing was booted$"
hostile hostile-binary-log 1 "mkdir -p ${LOG%/*} && head -c 4096 /dev/urandom > $LOG && printf '\\n' >> $LOG" 0 "^Test 1: PASSED"
hostile hostile-100mb-log 1 "mkdir -p ${LOG%/*} && yes '[pantavisor] 1 DEBUG	 -- [storage]: (pv_storage_gc_run:1) filler line of a long-running appengine, repeated to make pantavisor.log 100 MB' | head -c 100000000 > $LOG" 0 "^Test 1: PASSED" 300

# ---------------------------------------------------------------- a step's action that cannot run: ERROR, exit 3, nothing judged after it
# no_verdict_lines OUT: what a run that could not do its part must not print (a FAIL, an XPASS)
no_verdict_lines() { grep -E '^(FAIL|XPASS) ' "$1" | head -2 | tr '\n' ' '; }
# the image has no pgrep (observed §13): the preflight names it, before anything boots
if want_case hostile-preflight-no-pgrep; then
  out=$work/hostile-preflight-no-pgrep.out
  jq '(.scenarios[] | select(.id == "relaunch")).beforeBoot += ["rm -f \"$(command -v pgrep)\""]' scenarios.json >"$work/preflight.json"
  SCENARIOS=$work/preflight.json "${NODE[@]}" scripts/test.ts relaunch >"$out" 2>&1; rc=$?
  extra=$(no_verdict_lines "$out"); [ -n "$extra" ] && extra="verdict lines: $extra"
  grep -q 'pv-appengine > ' "$out" && extra="${extra:+$extra; }pv-appengine was started"
  verdict "hostile-preflight-no-pgrep" 3 $rc "^error: Test relaunch: the image .* has no command pgrep \(step after-relaunch: kill -9 \\\$\(pgrep -o -x pantavisor\)\); nothing was booted$" "$out" "$extra"
fi
# pgrep goes away once the appengine runs (LAB_FAULTS=no-pgrep): the step's action fails, the run
# is an ERROR at once (not a STEP_TIMEOUT wait), its checks UNJUDGED, no FAIL and no XPASS
if want_case hostile-step-no-pgrep; then
  out=$work/hostile-step-no-pgrep.out
  LAB_FAULTS=no-pgrep "${NODE[@]}" scripts/test.ts relaunch >"$out" 2>&1; rc=$?
  extra=$(no_verdict_lines "$out"); [ -n "$extra" ] && extra="verdict lines: $extra"
  grep -q 'not ready after' "$out" && extra="${extra:+$extra; }waited for the step's effect"
  grep -q '^UNJUDGED rel-one-masquerade' "$out" || extra="${extra:+$extra; }rel-one-masquerade not UNJUDGED"
  verdict "hostile-step-no-pgrep (LAB_FAULTS=no-pgrep)" 3 $rc "^Test relaunch: ERROR \(step 'after-relaunch': kill -9 \\\$\(pgrep -o -x pantavisor\) exited [0-9]+, a command it runs is missing: sh: pgrep: not found" "$out" "$extra"
fi
# a real teardown force-stops its containers ≈5 s after the lenient stop (observed §13): the
# states after it are judged once it has finished, not within the re-check window
if want_case hostile-slow-teardown; then
  out=$work/hostile-slow-teardown.out
  LAB_STOP_DELAY=5 "${NODE[@]}" scripts/test.ts pool-exhaustion >"$out" 2>&1; rc=$?
  verdict "hostile-slow-teardown (LAB_STOP_DELAY=5)" 0 $rc "^PASS  exh-no-container-running" "$out"
fi

# ---------------------------------------------------------------- hostile inputs: values and files a user passes
# hostile_input NAME WANT-RC REGEX COMMAND...: runs the command (in $work/in, where the canary
# would appear); one line, the exit status, no canary created, the copy of the build unchanged
hostile_input() {
  local name=$1 want=$2 re=$3 out=$work/$1.out rc extra="" before
  shift 3
  want_case "$name" || return 0
  rm -rf "$work/in" && mkdir -p "$work/in" && cp -r lab/out/deploy "$work/in/art"
  before=$(cd "$work/in/art" && ls -l --time-style=+%s . | md5sum)
  (cd "$work/in" && timeout 120 "$@") >"$out" 2>&1; rc=$?
  # (make's own "make: *** ... Error 2" after a refusal is not the toolkit's line)
  [ "$(grep -Evc '^make(\[[0-9]+\])?: \*\*\*' "$out")" = 1 ] || extra="not one line"
  ls "$work/in" "$work/in/art" 2>/dev/null | grep -q canary && extra="${extra:+$extra; }a value ran as a command (canary created)"
  [ -n "$(find "$work" -name canary 2>/dev/null)" ] && extra="${extra:+$extra; }a value ran as a command (canary created)"
  [ "$(cd "$work/in/art" && ls -l --time-style=+%s . | md5sum)" = "$before" ] || extra="${extra:+$extra; }the user's build directory changed"
  verdict "$name" "$want" $rc "$re" "$out" "$extra"
  rm -rf "$work/in"
}
R=$PWD
# node with tsx from any directory (the cases run in $work/in)
NODE_ANY=(node --import "$(node --input-type=module -e "console.log(import.meta.resolve('tsx'))")")
NASTY='-x $(touch canary) `touch canary` '"'"'q" ;touch canary'
hostile_input hostile-input-pvtxd-is-artifacts 2 "^pv-ipam-tests: PVTXD=.* is ARTIFACTS=" env PVTXD=art ARTIFACTS=art "${NODE_ANY[@]}" "$R/scripts/stage.ts" 1
hostile_input hostile-input-pvtxd-in-artifacts 2 "^pv-ipam-tests: PVTXD=.* is inside ARTIFACTS=" env PVTXD=art/pvtx.d ARTIFACTS=art "${NODE_ANY[@]}" "$R/scripts/test.ts" 1
hostile_input hostile-input-report-dir-file 2 "^pv-ipam-tests: REPORT_DIR=.* is a file, not a directory$" env REPORT_DIR=art/pv-example-net-client.pvrexport.tgz ARTIFACTS=art "${NODE_ANY[@]}" "$R/scripts/test.ts" 1
hostile_input hostile-input-pvtxd-nasty-name 2 "^pv-ipam-tests: PVTXD=.* is REPORT_DIR=" env PVTXD="$NASTY" REPORT_DIR="$NASTY" ARTIFACTS=art "${NODE_ANY[@]}" "$R/scripts/test.ts" 1
hostile_input hostile-input-stage-stem 2 "is not a test id" make -s --no-print-directory -C "$R" 'stage-$(touch canary)'
hostile_input hostile-input-verify-stem 2 "is not a test id" make -s --no-print-directory -C "$R" 'verify-`touch canary`'
hostile_input hostile-input-junit-merge-reports 2 "^pv-ipam-tests: cannot read" make -s --no-print-directory -C "$R" junit-merge REPORTS="$NASTY" OUT="$NASTY.xml"
hostile_input hostile-input-snapshot-not-bundle 2 "^pv-ipam-tests: SNAPSHOT=\.\. is not a bundle of Test 1" env SNAPSHOT=.. "${NODE_ANY[@]}" "$R/scripts/verify.ts" 1
if want_case hostile-input-truncated-report || want_case hostile-input-junit-merge-out; then
  mkdir -p "$work/j" && SNAPSHOT=test/fixtures/bundles/test-2 REPORT_DIR="$work/j" "${NODE[@]}" scripts/verify.ts 2 >/dev/null 2>&1
  f=$(ls "$work"/j/*/report.json | head -1); head -c $(($(stat -c %s "$f") - 30)) "$f" >"$work/cut.json"
  hostile_input hostile-input-truncated-report 2 "is not valid JSON \(truncated" make -s --no-print-directory -C "$R" junit-merge REPORTS="$work/cut.json" OUT="$work/merged.xml"
  hostile_input hostile-input-junit-merge-out 2 "^pv-ipam-tests: OUT=.* is a directory" make -s --no-print-directory -C "$R" junit-merge REPORTS="$f" OUT="$work/in/art"
  hostile_input hostile-input-junit-merge-out-is-input 2 "^pv-ipam-tests: OUT=.* is one of the files to merge" make -s --no-print-directory -C "$R" junit-merge REPORTS="$f" OUT="$f"
fi
bad_plan hostile-input-catastrophic-regex '(.scenarios[0].steps[0].checks[] | select(.line.regex?) | .line.regex) |= "^(a+)+$"' "^pv-ipam-tests: scenarios.json/scenarios/0/steps/0/checks/[0-9]+/line/regex: .*a repeated group holds a quantifier"
# pvrexports with hostile members: exit 3, one line, nothing extracted or read whole
bad_export() { # NAME HOW REGEX
  local name=$1 how=$2 re=$3 dir=$work/artifacts-$1 out=$work/$1.out rc f x
  want_case "$name" || return 0
  rm -rf "$dir"; cp -r lab/out/deploy "$dir"
  f=$dir/pv-example-net-client.pvrexport.tgz x=$dir/x
  mkdir "$x" && tar -xzf "$f" -C "$x"
  case "$how" in
  fifo-json) rm "$x/json" && mkfifo "$x/json" ;;
  json-to-dev-zero) rm "$x/json" && ln -s /dev/zero "$x/json" ;;
  object-to-host-file) o=$(ls "$x"/objects/* | head -1) && rm "$o" && ln -s /etc/hostname "$o" ;;
  object-is-directory) o=$(ls "$x"/objects/* | head -1) && rm "$o" && mkdir "$o" ;;
  sparse-3g-object) o=$(ls "$x"/objects/* | head -1) && truncate -s 3G "$o" ;;
  esac
  tar -czSf "$f" -C "$x" json objects && rm -rf "$x"
  ARTIFACTS=$dir timeout 60 "${NODE[@]}" scripts/test.ts 1 >"$out" 2>&1; rc=$?
  extra=""; [ "$(grep -c . "$out")" = 1 ] || extra="not one line"
  verdict "$name ($how)" 3 $rc "$re" "$out" "$extra"
  rm -rf "$dir"
}
bad_export hostile-input-export-fifo fifo-json "^pv-ipam-tests: .*/pv-example-net-client.pvrexport.tgz: member 'json' is a FIFO"
bad_export hostile-input-export-dev-zero json-to-dev-zero "^pv-ipam-tests: .*: member 'json' is a symbolic link"
bad_export hostile-input-export-host-link object-to-host-file "^pv-ipam-tests: .*: member 'objects/[0-9a-f]+' is a symbolic link"
bad_export hostile-input-export-dir-object object-is-directory "^pv-ipam-tests: .*: member 'objects/[0-9a-f]+' is a directory, not a file$"
bad_export hostile-input-export-sparse-3g sparse-3g-object "^pv-ipam-tests: .*: objects/.* is 3072 MB, over the 512 MB cap for one object$"

echo "$cases $passed $leftovers_total" >"$CHAOS_RESULT"
