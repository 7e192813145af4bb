#!/usr/bin/env bash
# make hostile: whole commands fed hostile values and files, offline (no docker, no lab), in
# seconds. Each case asserts the exit status, the line that explains it (one line where the
# toolkit refuses), no "internal error", and that nothing outside the run changed (the files a
# case guards are compared before and after). The pure cases are unit tests
# (test/hostile-inputs.test.ts, test/config.test.ts); make chaos holds the live ones.
#   HOSTILE_CASES="switch junit"   only the cases whose names start with these words
# Ends with one line: hostile: N passed, N failed
set -uo pipefail
cd "$(dirname "$0")/.."
R=$PWD
export NO_COLOR=1 PROGRESS=0
unset STRICT REQUIRE KEEP DRY_RUN VERBOSE FOLLOW JOBS LOG FORCE SNAPSHOT REPORT REPORTS OUT SCENARIOS TARGET
work=$(mktemp -d "${TMPDIR:-/tmp}/pv-ipam-hostile.XXXXXX")
trap 'chmod -R u+rwx "$work" 2>/dev/null; rm -rf "$work"' EXIT
export REPORT_DIR=$work/reports ARTIFACTS=$work/no-artifacts PVTXD=$work/pvtx.d WORK_DIR=$work/work
# node with tsx from any directory (the cases run in $work)
NODE=(node --import "$(node --input-type=module -e "console.log(import.meta.resolve('tsx'))")")
failed=0
want() { [ -z "${HOSTILE_CASES:-}" ] && return 0; local w; for w in $HOSTILE_CASES; do [[ $1 == "$w"* ]] && return 0; done; return 1; }

# the state of the files a case must not touch (names, sizes, modes, link targets, contents)
snapshot() { (cd "$work" && find guard -printf '%p %s %m %l\n' 2>/dev/null | sort && find guard -type f -exec md5sum {} + 2>/dev/null | sort); }

# run NAME WANT-RC REGEX [one] -- COMMAND...: `one`: the output is exactly one line. Cases run
# HOSTILE_JOBS at a time (default 4: most of a case is node starting); each writes its result
# line to $work/results, printed in order at the end.
seq=0
mkdir -p "$work/results"
# A case that names guard/ runs alone: the guarded tree is one snapshot for every case, and a
# refused run may still hold its lock there for a moment (stage with PVTXD=guard/pvtx.d takes
# guard/pvtx.d.lock, then releases it), which a guard case running beside it saw as "a guarded
# file changed" (make ci, once). Cases that do not name guard/ never write there.
run() {
  local name=$1
  want "$name" || return 0
  seq=$((seq + 1))
  if [[ " $* " == *guard/* ]]; then
    wait
    one_case "$@" >"$work/results/$(printf %03d $seq)" 2>&1
    return
  fi
  while [ "$(jobs -rp | wc -l)" -ge "${HOSTILE_JOBS:-4}" ]; do wait -n; done
  one_case "$@" >"$work/results/$(printf %03d $seq)" 2>&1 &
}
one_case() {
  local name=$1 want_rc=$2 re=$3 one=0 out=$work/$1.out rc why="" before t0
  shift 3
  [ "$1" = one ] && { one=1; shift; }
  [ "$1" = -- ] && shift
  before=$(snapshot)
  t0=$(date +%s%N)
  (cd "$work" && timeout 120 "$@") >"$out" 2>&1
  rc=$?
  [ "$rc" = "$want_rc" ] || why="exit $rc, want $want_rc"
  grep -qE -- "$re" "$out" || why="${why:+$why; }no line matching /$re/"
  grep -q 'internal error' "$out" && why="${why:+$why; }internal error"
  # make's own "make: *** ... Error 2" after a refusal is not the toolkit's line
  [ $one = 1 ] && [ "$(grep -Evc '^make(\[[0-9]+\])?: \*\*\*' "$out")" != 1 ] && why="${why:+$why; }not one line"
  [ "$(snapshot)" = "$before" ] || why="${why:+$why; }a guarded file changed"
  [ -n "${EXTRA_CHECK:-}" ] && ! eval "$EXTRA_CHECK" && why="${why:+$why; }${EXTRA_WHY:-extra check failed}"
  local ms=$((($(date +%s%N) - t0) / 1000000))
  if [ -z "$why" ]; then
    printf 'ok   %-44s %5d ms  exit %s; %s\n' "$name" "$ms" "$rc" "$(grep -E -- "$re" "$out" | head -1 | cut -c1-110)"
  else
    printf 'BAD  %-44s %5d ms  %s\n' "$name" "$ms" "$why"
    sed 's/^/       | /' "$out" | tail -8
  fi
}
bundle() { rm -rf "$work/$2" && cp -r "$R/test/fixtures/bundles/$1" "$work/$2"; }
mkdir -p "$work/guard"
echo 'a file of the user, not the toolkit' >"$work/guard/notes.txt"
# the user's files the pvtx.d and lock cases guard (made first: every case compares the guard)
mkdir -p "$work/guard/pvtx.d"
echo 'staged earlier' >"$work/guard/pvtx.d/pv-example-net-client.pvrexport.tgz"
printf '{"createdDir":true,"files":["pv-example-net-client.pvrexport.tgz"]}\n' >"$work/guard/pvtx.d/.pv-ipam-tests-staged"
ln -s "$work/nowhere" "$work/guard/pvtx.d/dangling"
mkdir -p "$work/guard/work" && echo 'my own export' >"$work/guard/work/pv-example-net-client+baked-net.pvrexport.tgz"
mkdir -p "$work/guard/p2" && echo 'hello' >"$work/guard/p2.lock"
mkdir -p "$work/guard/p3" && ln -s "$work/guard/notes.txt" "$work/guard/p3.lock"
node -e 'process.stdout.write("[".repeat(100000) + "]".repeat(100000))' >"$work/deep-scenarios.json"

# ------------------------------------------------------------ every variable is validated
# (every spelling of every switch is in test/config.test.ts; here a few through the whole CLI)
for v in yes TRUE 2; do
  run "switch-STRICT=$v" 2 "^pv-ipam-tests: STRICT must be 1 or 0 \(true or false; empty for its default, 0\), got \"$v\"$" one -- env STRICT="$v" SNAPSHOT="$R/test/fixtures/bundles/test-1" "${NODE[@]}" "$R/scripts/verify.ts" 1
done
for v in KEEP VERBOSE; do
  run "switch-$v=yes" 2 "^pv-ipam-tests: $v must be 1 or 0" one -- env "$v=yes" SNAPSHOT="$R/test/fixtures/bundles/test-1" "${NODE[@]}" "$R/scripts/verify.ts" 1
done
run switch-make-STRICT=on 2 '^pv-ipam-tests: STRICT must be 1 or 0' one -- make -s --no-print-directory -C "$R" verify-1 STRICT=on SNAPSHOT="$R/test/fixtures/bundles/test-1"
run switch-FORCE=y 2 '^pv-ipam-tests: FORCE must be 1 or 0' one -- env FORCE=y OUT=o.xml REPORTS="$R/test/fixtures/report/report.json" "${NODE[@]}" "$R/scripts/junit-merge.ts"
run switch-STRICT-newline 2 '^pv-ipam-tests: STRICT must be 1 or 0 .*got "1\\n"$' one -- env STRICT=$'1\n' SNAPSHOT="$R/test/fixtures/bundles/test-1" "${NODE[@]}" "$R/scripts/verify.ts" 1
run switch-STRICT-empty-is-unset 0 '^Test 1: PASSED' -- env STRICT= SNAPSHOT="$R/test/fixtures/bundles/test-1" "${NODE[@]}" "$R/scripts/verify.ts" 1
run require-typo 2 '^pv-ipam-tests: REQUIRE names "iptable", not a capability of scenarios.json \(known: iptables, isolation\)' one -- env REQUIRE=iptable SNAPSHOT="$R/test/fixtures/bundles/test-1" "${NODE[@]}" "$R/scripts/verify.ts" 1
run require-uppercase 2 '^pv-ipam-tests: REQUIRE names "ISOLATION"' one -- env REQUIRE=ISOLATION SNAPSHOT="$R/test/fixtures/bundles/test-1" "${NODE[@]}" "$R/scripts/verify.ts" 1
run require-empty-parts 0 '^Test 1: PASSED' -- env REQUIRE=' iptables,,isolation ' SNAPSHOT="$R/test/fixtures/bundles/test-1" "${NODE[@]}" "$R/scripts/verify.ts" 1
for j in 0 1e1; do
  run "jobs=$j" 2 '^pv-ipam-tests: JOBS must be a whole number from 1 to 16' one -- env JOBS="$j" SNAPSHOT="$R/test/fixtures/bundles/test-1" "${NODE[@]}" "$R/scripts/verify.ts" 1
done
# a mistyped TARGET is refused naming the known ones, never run as the defaults (issue 23)
run target-typo 2 '^pv-ipam-tests: TARGET="lba" is not a target \(known: appengine, dev, device, lab\)$' one -- make -s --no-print-directory -C "$R" verify-1 TARGET=lba SNAPSHOT="$R/test/fixtures/bundles/test-1"
run target-path 2 '^pv-ipam-tests: TARGET="\.\./lab" is not a target' one -- env TARGET=../lab SNAPSHOT="$R/test/fixtures/bundles/test-1" "${NODE[@]}" "$R/scripts/verify.ts" 1
# TARGET=device: DEVICE required and checked before anything runs; no value reaches a shell or ssh's options (issue 25)
run device-missing 2 '^pv-ipam-tests: TARGET=device needs DEVICE: give DEVICE=\[user@\]host\[:port\]' one -- make -s --no-print-directory -C "$R" shell TARGET=device
run device-injection 2 '^pv-ipam-tests: DEVICE="x;touch guard/pwned" has the host' one -- make -s --no-print-directory -C "$R" shell TARGET=device 'DEVICE=x;touch guard/pwned'
run device-ssh-option 2 '^pv-ipam-tests: DEVICE="-oProxyCommand=touch guard/pwned" has the host' one -- make -s --no-print-directory -C "$R" logs TARGET=device 'DEVICE=-oProxyCommand=touch guard/pwned'
run device-user-option 2 '^pv-ipam-tests: DEVICE="-l@h" has the user' one -- make -s --no-print-directory -C "$R" shell TARGET=device 'DEVICE=-l@h'
run device-port 2 '^pv-ipam-tests: DEVICE="h:70000" has the port' one -- make -s --no-print-directory -C "$R" shell TARGET=device DEVICE=h:70000
run device-key-missing 2 '^pv-ipam-tests: DEVICE_KEY=.*/guard/no-key is not a readable file' one -- make -s --no-print-directory -C "$R" shell TARGET=device DEVICE=198.18.0.2 DEVICE_KEY="$work/guard/no-key"
run log-unknown 2 '^pv-ipam-tests: LOG must be one of pantavisor, appengine' one -- env LOG=pv-appengine "${NODE[@]}" "$R/scripts/logs.ts"
run runtime-unknown 2 "RUNTIME must be node or deno \(or empty for node\), got 'bun'" one -- make -s --no-print-directory -C "$R" help RUNTIME=bun
run runtime-not-expanded 2 "got '\\\$\(shell touch canary\)'" one -- make -s --no-print-directory -C "$R" help 'RUNTIME=$(shell touch canary)'

# ------------------------------------------------------------ rerun: what made the run fail, STRICT included
if want rerun || want junit; then
  mkdir -p "$work/strict-run" && STRICT=1 REPORT_DIR="$work/strict-run" SNAPSHOT="$R/test/fixtures/bundles/test-relaunch" "${NODE[@]}" scripts/verify.ts relaunch >/dev/null 2>&1
  strict_report=$(ls "$work"/strict-run/*/report.json 2>/dev/null | head -1)
fi
# it gets as far as the artifacts (none here): exit 3 after naming what it reruns; nothing ran
run rerun-strict-xfail 3 '^rerun of relaunch \(failed, errored, or xfail/xpass under STRICT=1' -- env REPORT="${strict_report:-none}" "${NODE[@]}" "$R/scripts/rerun.ts"
if want rerun || want junit; then
  node -e 'const r=JSON.parse(require("fs").readFileSync(process.argv[1]));r.scenarios[0]=null;require("fs").writeFileSync(process.argv[2],JSON.stringify(r))' "${strict_report:-/dev/null}" "$work/null-scenario.json" 2>/dev/null
  node -e 'const r=JSON.parse(require("fs").readFileSync(process.argv[1]));r.scenarios[0].checks={};require("fs").writeFileSync(process.argv[2],JSON.stringify(r))' "${strict_report:-/dev/null}" "$work/other-shape.json" 2>/dev/null
  : >"$work/empty.json"
  head -c 3000 /dev/urandom >"$work/junk.json"
  mkfifo "$work/fifo.json"
  mkdir -p "$work/dir-report/report.json"
fi
run rerun-null-scenario 2 '^pv-ipam-tests: .*null-scenario.json is not a pv-ipam-tests report.json of this version: scenarios\[0\]: not an object$' one -- env REPORT=null-scenario.json "${NODE[@]}" "$R/scripts/rerun.ts"
run rerun-other-shape 2 'other-shape.json is not a pv-ipam-tests report.json of this version: scenarios\[0\].checks: not an array$' one -- env REPORT=other-shape.json "${NODE[@]}" "$R/scripts/rerun.ts"
run rerun-empty-file 2 '^pv-ipam-tests: empty.json is not valid JSON' one -- env REPORT=empty.json "${NODE[@]}" "$R/scripts/rerun.ts"
run rerun-binary-junk 2 '^pv-ipam-tests: junk.json is not valid JSON' one -- env REPORT=junk.json "${NODE[@]}" "$R/scripts/rerun.ts"
run rerun-fifo 2 '^pv-ipam-tests: fifo.json is not a regular file$' one -- env REPORT=fifo.json "${NODE[@]}" "$R/scripts/rerun.ts"
run rerun-dev-zero 2 '^pv-ipam-tests: /dev/zero is not a regular file$' one -- env REPORT=/dev/zero "${NODE[@]}" "$R/scripts/rerun.ts"
run rerun-report-json-is-a-directory 2 'dir-report/report.json is not a regular file$' one -- env REPORT=dir-report "${NODE[@]}" "$R/scripts/rerun.ts"

# ------------------------------------------------------------ bundles: meta.json, links
if want bundle; then
  bundle test-iptables-fallback no-meta && rm "$work/no-meta/meta.json"
  bundle test-1 null-meta && echo null >"$work/null-meta/meta.json"
  bundle test-1 empty-meta && : >"$work/empty-meta/meta.json"
  bundle test-1 junk-meta && head -c 2000 /dev/urandom >"$work/junk-meta/meta.json"
  bundle test-1 deep-meta && node -e 'process.stdout.write("[".repeat(100000) + "]".repeat(100000))' >"$work/deep-meta/meta.json"
  bundle test-1 fifo-meta && rm "$work/fifo-meta/meta.json" && mkfifo "$work/fifo-meta/meta.json"
  bundle test-1 link-meta && rm "$work/link-meta/meta.json" && ln -s /etc/hostname "$work/link-meta/meta.json"
  bundle test-1 dangling && ln -s "$work/nowhere" "$work/dangling/extra.txt"
  bundle test-1 link-lxc && rm "$work/link-lxc/lxc-ls.txt" && ln -s /etc/hostname "$work/link-lxc/lxc-ls.txt"
  bundle test-6 link-step && mv "$work/link-step/after-stop" "$work/step-elsewhere" && ln -s "$work/step-elsewhere" "$work/link-step/after-stop"
  bundle test-1 no-probe-meta
  bundle test-iptables-fallback no-probe && node -e 'const f=process.argv[1],m=JSON.parse(require("fs").readFileSync(f));delete m.capabilities;require("fs").writeFileSync(f,JSON.stringify(m))' "$work/no-probe/meta.json"
  bundle test-1 esc && printf 'NAME                  STATE   AUTOSTART GROUPS IPV4     IPV6 UNPRIVILEGED \npv-example-net-client RUNNING 0         -      10.0.5.2 -    false        \npv-example-net-server\033[2K\033[1A\033[32mPASS RUNNING 0         -      10.0.5.9 -    false        \n' >"$work/esc/lxc-ls.txt"
  bundle test-1 'bündle ✓ $(touch canary) `x`'
  bundle test-1 exit-deep && node -e 'process.stdout.write("{\"a\":".repeat(1000) + "1" + "}".repeat(1000))' >"$work/exit-deep/exit-status.json"
  bundle test-1 binary-log && head -c 100000 /dev/urandom >"$work/binary-log/pantavisor.log"
  ls "$R"/test/fixtures/bundles/test-update-add-container/update/progress-*.json >/dev/null 2>&1 &&
    bundle test-update-add-container deep-progress &&
    node -e 'const n = 31 * 2 ** 20; process.stdout.write("{\"status\":\"UPDATED\",\"logs\":\"\",\"x\":" + "[".repeat(n) + "]".repeat(n) + "}")' >"$work/deep-progress/update/progress-locals+add-client.json"
fi
run bundle-no-meta 2 '^pv-ipam-tests: SNAPSHOT=no-meta is not a bundle of Test iptables-fallback \(it has gathered files but no meta.json' one -- env SNAPSHOT=no-meta "${NODE[@]}" "$R/scripts/verify.ts" iptables-fallback
run bundle-meta-null 2 "null-meta/meta.json is not a bundle's meta.json: : not an object$" one -- env SNAPSHOT=null-meta "${NODE[@]}" "$R/scripts/verify.ts" 1
run bundle-meta-empty 2 'empty-meta/meta.json is not valid JSON' one -- env SNAPSHOT=empty-meta "${NODE[@]}" "$R/scripts/verify.ts" 1
run bundle-meta-binary 2 'junk-meta/meta.json is not valid JSON' one -- env SNAPSHOT=junk-meta "${NODE[@]}" "$R/scripts/verify.ts" 1
run bundle-meta-deep 2 'deep-meta/meta.json is nested over 64 levels deep' one -- env SNAPSHOT=deep-meta "${NODE[@]}" "$R/scripts/verify.ts" 1
run bundle-meta-fifo 2 'fifo-meta/meta.json is not a regular file$' one -- env SNAPSHOT=fifo-meta "${NODE[@]}" "$R/scripts/verify.ts" 1
run bundle-meta-link 2 'link-meta/meta.json is a symbolic link' one -- env SNAPSHOT=link-meta "${NODE[@]}" "$R/scripts/verify.ts" 1
run bundle-dangling-link 2 'dangling/extra.txt is a symbolic link: a bundle holds regular files and directories only' one -- env SNAPSHOT=dangling "${NODE[@]}" "$R/scripts/verify.ts" 1
run bundle-file-link-to-host 2 'link-lxc/lxc-ls.txt is a symbolic link' one -- env SNAPSHOT=link-lxc "${NODE[@]}" "$R/scripts/verify.ts" 1
run bundle-step-dir-link 2 'link-step/after-stop is a symbolic link' one -- env SNAPSHOT=link-step "${NODE[@]}" "$R/scripts/verify.ts" 6
run bundle-no-probe-recorded 2 'no-probe/meta.json records no probe of iptables, which Test iptables-fallback requires' one -- env SNAPSHOT=no-probe "${NODE[@]}" "$R/scripts/verify.ts" iptables-fallback
run bundle-of-another-test 2 'no-probe-meta is a bundle of Test 1, not Test 2$' one -- env SNAPSHOT=no-probe-meta "${NODE[@]}" "$R/scripts/verify.ts" 2
run bundle-snapshot-dev-null 2 '^pv-ipam-tests: SNAPSHOT=/dev/null is not a directory$' one -- env SNAPSHOT=/dev/null "${NODE[@]}" "$R/scripts/verify.ts" 1
EXTRA_CHECK='! grep -q $'"'"'\033'"'"' "$work/bundle-escape-sequences.out"' EXTRA_WHY='a raw ESC reached the console' \
  run bundle-escape-sequences 1 '^      actual:   pv-example-net-server not listed \(lxc-ls -f: .*pv-example-net-server\\x1b\[2K\\x1b\[1A' -- env SNAPSHOT=esc "${NODE[@]}" "$R/scripts/verify.ts" 1
EXTRA_CHECK='[ ! -e "$work/canary" ]' EXTRA_WHY='a value ran as a command' \
  run bundle-unicode-name 0 '^Test 1: PASSED' -- env SNAPSHOT='bündle ✓ $(touch canary) `x`' "${NODE[@]}" "$R/scripts/verify.ts" 1
run bundle-exit-status-deep 3 '^ERROR ' -- env SNAPSHOT=exit-deep "${NODE[@]}" "$R/scripts/verify.ts" 1
run bundle-binary-log 1 '^FAIL  t1-log-' -- env SNAPSHOT=binary-log "${NODE[@]}" "$R/scripts/verify.ts" 1
# the issue's 62 MB, deeply nested progress (27 s and 4.7 GB before): refused by its size bound,
# not parsed; its peak memory is checked where GNU time is installed
if [ -x /usr/bin/time ]; then
  EXTRA_CHECK='[ "$(sed -n "s/^maxrss_kb=//p" "$work/rss")" -lt 1000000 ]' EXTRA_WHY='peak memory over 1 GB' \
    run bundle-progress-62mb-nested 3 'progress-locals\+add-client.json not understood \(62 MB, over the 16 MB a JSON input may have\)' -- /usr/bin/time -f 'maxrss_kb=%M' -o "$work/rss" env SNAPSHOT=deep-progress "${NODE[@]}" "$R/scripts/verify.ts" update-add-container
else
  run bundle-progress-62mb-nested 3 'progress-locals\+add-client.json not understood \(62 MB, over the 16 MB a JSON input may have\)' -- env SNAPSHOT=deep-progress "${NODE[@]}" "$R/scripts/verify.ts" update-add-container
fi
run bundle-concurrent-verify 0 '^both: 0 0, 2 run directories$' -- bash -c '
  for i in 1 2; do REPORT_DIR=$0/conc SNAPSHOT=$1/test/fixtures/bundles/test-1 node --import $2 $1/scripts/verify.ts 1 >/dev/null 2>&1 & done
  wait -n; a=$?; wait -n; b=$?; echo "both: $a $b, $(ls $0/conc | wc -l) run directories"' "$work" "$R" "${NODE[2]}"

# ------------------------------------------------------------ junit-merge: links, OUT, shapes
if want junit; then
  f=$R/test/fixtures/report/report.json
  mkdir -p "$work/runs/run1" "$work/runs/run2" && cp "$f" "$work/runs/run1/" && cp "$f" "$work/runs/run2/"
  ln -s run1 "$work/runs/latest" && ln -s .. "$work/runs/run2/up" && ln -s "$work/nowhere" "$work/runs/dangling"
  mkfifo "$work/runs/run2/report.json.fifo"
  cp "$work/other-shape.json" "$work/other-shape-report.json" 2>/dev/null
  mkdir -p "$work/fifo-dir" && mkfifo "$work/fifo-dir/report.json"
  head -c $((17 * 1024 * 1024)) /dev/zero | tr '\0' ' ' >"$work/huge.json"
  ln -s "$work/guard/notes.txt" "$work/link-to-notes.xml"
fi
run junit-links-not-followed 0 '^merged.xml: 2 file\(s\), 16 testsuite\(s\)' one -- env REPORTS=runs OUT=merged.xml "${NODE[@]}" "$R/scripts/junit-merge.ts"
run junit-out-foreign-file 2 '^pv-ipam-tests: OUT=guard/notes.txt exists and is not a JUnit file pv-ipam-tests wrote; give another file name, or FORCE=1 to overwrite it$' one -- env REPORTS=runs/run1 OUT=guard/notes.txt "${NODE[@]}" "$R/scripts/junit-merge.ts"
run junit-out-link-to-foreign 2 'OUT=link-to-notes.xml exists and is not a JUnit file pv-ipam-tests wrote' one -- env REPORTS=runs/run1 OUT=link-to-notes.xml "${NODE[@]}" "$R/scripts/junit-merge.ts"
run junit-out-own-file-again 0 '^again.xml: 1 file\(s\)' -- bash -c 'REPORTS=runs/run1 OUT=again.xml "$@" && REPORTS=runs/run1 OUT=again.xml "$@"' _ "${NODE[@]}" "$R/scripts/junit-merge.ts"
run junit-out-dev-null 2 'OUT=/dev/null is not a regular file' one -- env REPORTS=runs/run1 OUT=/dev/null "${NODE[@]}" "$R/scripts/junit-merge.ts"
run junit-other-shape 2 'other-shape-report.json is not a pv-ipam-tests report.json of this version: scenarios\[0\].checks: not an array$' one -- env REPORTS=other-shape-report.json OUT=m2.xml "${NODE[@]}" "$R/scripts/junit-merge.ts"
run junit-fifo-named-report 2 '^pv-ipam-tests: no report.json under fifo-dir$' one -- env REPORTS=fifo-dir OUT=m3.xml "${NODE[@]}" "$R/scripts/junit-merge.ts"
run junit-huge-report 2 'huge.json is 17 MB, over the 16 MB a report.json may have$' one -- env REPORTS=huge.json OUT=m4.xml "${NODE[@]}" "$R/scripts/junit-merge.ts"
run junit-dev-zero 2 '/dev/zero is not a regular file$' one -- env REPORTS=/dev/zero OUT=m5.xml "${NODE[@]}" "$R/scripts/junit-merge.ts"
# last: FORCE=1 overwrites the file it was refused
echo 'not a JUnit file' >"$work/foreign.txt"
run junit-out-force 0 '^foreign.txt: 1 file\(s\)' one -- env FORCE=1 REPORTS=runs/run1 OUT=foreign.txt "${NODE[@]}" "$R/scripts/junit-merge.ts"

# ------------------------------------------------------------ PVTXD, the lock, SCENARIOS: refused before anything is deleted
run pvtxd-dangling-link 2 'guard/pvtx.d/dangling is a symbolic link, not put there by pv-ipam-tests' one -- env PVTXD=guard/pvtx.d "${NODE[@]}" "$R/scripts/stage.ts" 1
run pvtxd-dangling-link-test 2 'guard/pvtx.d/dangling is a symbolic link' one -- env PVTXD=guard/pvtx.d "${NODE[@]}" "$R/scripts/test.ts" 1
run lock-foreign-content 2 'guard/p2.lock holds something else, not a lock pv-ipam-tests wrote' one -- env PVTXD=guard/p2 "${NODE[@]}" "$R/scripts/stage.ts" 1
run lock-is-a-link 2 'guard/p3.lock is a symbolic link, not a lock pv-ipam-tests wrote' one -- env PVTXD=guard/p3 "${NODE[@]}" "$R/scripts/stage.ts" 1
run workdir-foreign-file 2 "^pv-ipam-tests: WORK_DIR=guard/work holds guard/work/pv-example-net-client\\+baked-net.pvrexport.tgz, which pv-ipam-tests did not write .*FORCE=1 to overwrite it$" one -- env WORK_DIR=guard/work "${NODE[@]}" "$R/scripts/derive.ts" pv-example-net-client+baked-net
run scenarios-dev-zero 2 '^pv-ipam-tests: SCENARIOS=/dev/zero is not a regular file$' one -- env SCENARIOS=/dev/zero "${NODE[@]}" "$R/scripts/verify.ts" 1
run scenarios-deep 2 'scenarios.json is nested over 64 levels deep' one -- env SCENARIOS=deep-scenarios.json "${NODE[@]}" "$R/scripts/verify.ts" 1

wait
# no value ran as a command, in any case
[ -e "$work/canary" ] && { failed=$((failed + 1)); echo "BAD  a value ran as a command (canary created)"; }
cat "$work"/results/*
passed=$(cat "$work"/results/* | grep -c '^ok ')
failed=$(($(cat "$work"/results/* | grep -c '^BAD ') + failed))
echo
echo "hostile: $passed passed, $failed failed"
[ "$failed" = 0 ] && [ "$passed" -gt 0 ]
