#!/usr/bin/env bash
# make ci: every stage of the project's own tests, in order, each timed; stops at the first
# stage that fails and prints the table of stage times either way. CI_STAGES="unit lab" runs
# only the stages whose names start with those words.
set -uo pipefail
cd "$(dirname "$0")/.."
export CI_REPORTS=${CI_REPORTS:-reports/ci}
# the lab's realistic delays (READY ~7 s after start, 5 s relaunch and stop delays) are for the
# demo and the bench; CI checks behaviour, so it runs the lab with short ones
export LAB_FIRST_BOOT_DELAY=${LAB_FIRST_BOOT_DELAY:-0} LAB_RESTART_DELAY=${LAB_RESTART_DELAY:-1} LAB_STOP_DELAY=${LAB_STOP_DELAY:-1}
# and polls once a second instead of every 0.3 s: every poll is a docker exec (about a quarter of
# a CPU second on these 2-core machines), and CI judges verdicts, not how soon they come;
# make bench measures the default
export POLL_INTERVAL=${POLL_INTERVAL:-1}

# what is there once docker runs, before any test, is not this run's leak (e.g. a loop device a
# killed earlier run left): leak-check at the end counts only what is new. Each stage is a bash
# -c line: values from the environment (CI_REPORTS, LEAK_RECORD) are expanded there, quoted
export LEAK_RECORD=$(mktemp); trap 'rm -f "$LEAK_RECORD"' EXIT
STAGES=(
  "setup|bash .ci/setup"
  "leak-record|bash .ci/leak-check --record \"\$LEAK_RECORD\""
  "typecheck|make -s typecheck"
  "lint-ts|make -s lint-ts"
  "fmt-check|make -s fmt-check"
  # the unit tests read no ../shared; CI passes its Pantavisor sources, when beside the clone, as an input
  "unit|TEST_PV_SOURCES=\"\$(cd ../shared/pantavisor-sources 2>/dev/null && pwd)\" make -s unit"
  "offline-verdicts|bash .ci/offline-verdicts"
  "hostile|make -s hostile"
  "dist|bash .ci/dist"
  "lab|bash lab/ensure.sh"
  "test-all|rm -rf -- \"\$CI_REPORTS\" && REPORT_DIR=\"\$CI_REPORTS\" make -s test-all TARGET=lab JOBS=2"
  "reverify|bash .ci/reverify-bundles \"\$CI_REPORTS\""
  "variants|bash .ci/variants"
  "capture-roundtrip|bash .ci/capture-roundtrip"
  "mutation|MUTATION_BASELINE=0 MUTATION_JOBS=3 bash lab/mutation.sh"
  "chaos|make -s chaos"
  "deno-alone|bash .ci/deno-alone"
  "real|bash .ci/real"
  "real-029|bash .ci/real-029"
  "bisect-ipam|bash .ci/bisect-ipam"
  # the plan's eight tests on running devices over SSH, two make device-dev side by side (about
  # 4 min 30 s; .ci/device says why two)
  "device|bash .ci/device"
  "leak-check|bash .ci/leak-check --since \"\$LEAK_RECORD\""
)

names=() times=() results=()
total_start=$SECONDS
failed=""
for s in "${STAGES[@]}"; do
  name=${s%%|*} cmd=${s#*|}
  if [ -n "${CI_STAGES:-}" ]; then
    want=0; for w in $CI_STAGES; do [[ $name == "$w"* ]] && want=1; done
    [ $want = 1 ] || continue
  fi
  echo
  echo "==== ci: $name: $cmd"
  t0=$SECONDS
  if bash -c "$cmd"; then r=ok; else r=FAILED; fi
  names+=("$name") times+=($((SECONDS - t0))) results+=("$r")
  if [ $r = FAILED ]; then failed=$name; break; fi
done
echo
echo "==== ci: stage times"
for i in "${!names[@]}"; do printf '  %-20s %4d s  %s\n' "${names[$i]}" "${times[$i]}" "${results[$i]}"; done
# .ci/run installed the packages, dockerd and node_modules before make ci started: that counts
pre=${CI_RUN_SETUP_SECONDS:-0}
[ "$pre" -gt 0 ] && printf '  %-20s %4d s  ok (.ci/run, before make ci: apt, dockerd, npm ci)\n' 'setup (.ci/run)' "$pre"
printf '  %-20s %4d s  (budget 1200 s: .ci/run on a fresh 2-core machine, apt included)\n' total $((SECONDS - total_start + pre))
if [ -n "$failed" ]; then echo "ci: FAILED at stage $failed" >&2; exit 1; fi
echo "ci: passed"
