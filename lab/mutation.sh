#!/usr/bin/env bash
# make mutation: switch on each lab fault, run the scenarios against the lab with the toolkit's
# own `make test-all TARGET=lab`, and print which checks failed where. A fault is caught when
# every check lab/fault-guards.json names for it failed (status 1, never an error or a
# timeout). Without a fault (the baseline) every scenario must pass.
#   MUTATION=targeted (default)  each fault against the scenarios its guards belong to
#   MUTATION=full                each fault against every scenario: the whole matrix
#   MUTATION_FAULTS="a b"        only these faults      MUTATION_BASELINE=0  skip the baseline
#   MUTATION_JOBS=2              two runs at once, each with its own names (pva-mut-<run>, ...)
#   MUTATION_PRINT=1             run nothing: print the table of the runs already in MUTATION_DIR
# A fault may need a lab variant (fault-guards.json "variants", e.g. isolation); its run and
# a baseline of its scenarios use that variant.
set -uo pipefail
cd "$(dirname "$0")/.."
guards=lab/fault-guards.json
mode=${MUTATION:-targeted}
case "$mode" in targeted | full) ;; *) echo "mutation: MUTATION must be targeted or full, not '$mode'" >&2; exit 2 ;; esac
out=${MUTATION_DIR:-reports/mutation}
[ "${MUTATION_PRINT:-0}" = 1 ] || { rm -rf "$out"; mkdir -p "$out"; }
faults=${MUTATION_FAULTS:-$(jq -r '.faults | keys_unsorted[]' "$guards")}
all_ids=$(jq -r '.scenarios[].id' scenarios.json)
SECONDS=0

owners() { # FAULT -> the scenario ids holding its guard checks, in plan order
  jq -r --slurpfile g "$guards" --arg f "$1" '($g[0].faults[$f].guardedBy) as $want
    | .scenarios[] | select([.steps[].checks[].id] | any(. as $c | $want | index($c))) | .id' scenarios.json
}
variants_of() { jq -r --arg f "$1" '.faults[$f].variants // ""' "$guards"; }

# the lab's realistic delays (READY ~7 s after start, a 5 s relaunch delay, a 5 s stop, like the
# real appengine) only slow the matrix down: every fault is a fact of the behaviour, not its timing
export LAB_FIRST_BOOT_DELAY=${LAB_FIRST_BOOT_DELAY:-0} LAB_RESTART_DELAY=${LAB_RESTART_DELAY:-1} LAB_STOP_DELAY=${LAB_STOP_DELAY:-1}
# a fault's verdicts do not flap: 2 s of the same verdicts is enough to call a FAIL
export SETTLE_STABLE=${SETTLE_STABLE:-2}

jobs=${MUTATION_JOBS:-1}
# a fault often makes a wait that never ends: the lab's states come within ~25 s (a reboot update,
# the slowest, ~24 s), so the runs wait less than the defaults (BOOT 90 s, STEP 60 s) before
# judging what is there; the environment's own BOOT_TIMEOUT/STEP_TIMEOUT win
timeouts=(BOOT_TIMEOUT="${BOOT_TIMEOUT:-45}" STEP_TIMEOUT="${STEP_TIMEOUT:-25}")
# run NAME FAULTS VARIANTS IDS: starts one test-all in the background (at most $jobs at once);
# its exit status goes to $out/NAME.rc. With several at once each run has its own names.
run() {
  while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do wait -n; done
  local names=()
  [ "$jobs" -gt 1 ] && names=(CONTAINER="pva-mut-$1" VOLUME="storage-mut-$1" PVTXD="pvtx.d-mut-$1")
  ( make -s test-all TARGET=lab LAB_FAULTS="$2" LAB_VARIANTS="$3" ONLY="$4" REPORT_DIR="$out/$1" "${names[@]}" "${timeouts[@]}" >"$out/$1.log" 2>&1
    echo $? >"$out/$1.rc" ) &
}

cell() { # REPORT ID -> "pass", "FAIL:n", "xfail", "xpass", "skip", "ERR" or "-" (not run)
  jq -r --arg id "$2" '[.scenarios[] | select(.id == $id)] | if length == 0 then "-" else .[0] |
    if .status == "passed" then "pass" elif .status == "error" then "ERR" elif .status == "skipped" then "skip"
    elif .status == "xfail" or .status == "xpass" then .status
    else "FAIL:\([.checks[] | select(.status == "fail" or (.status == null and (.pass | not)))] | length)" end end' "$1"
}
w=8 # a column: cells are at most "FAIL:nn"; longer test ids are cut in the header (legend below it)

row() { # LABEL REPORT IDS
  printf '%-32s' "$1"
  if [ "$mode" = full ]; then
    for id in $all_ids; do printf "%-${w}s" "$(cell "$2" "$id")"; done
  else
    for id in $3; do printf '%s ' "$id:$(cell "$2" "$id")"; done
    printf '  '
  fi
}

status=0
# ---- launch every run
baselines=()
if [ "${MUTATION_BASELINE:-1}" != 0 ]; then
  # one baseline per variant set the faults use ("" = the default lab)
  for v in "" $(for f in $faults; do variants_of "$f"; done | sort -u); do
    if [ -z "$v" ]; then ids=$(echo $all_ids); name=baseline; label="(none)"
    else ids=$(for f in $faults; do [ "$(variants_of "$f")" = "$v" ] && owners "$f"; done | awk '!seen[$0]++' | xargs); name="baseline-$v"; label="(none, $v)"; fi
    [ -n "$ids" ] || continue
    baselines+=("$name|$label|$ids")
    [ "${MUTATION_PRINT:-0}" = 1 ] || run "$name" "" "$v" "$ids"
  done
fi
for f in $faults; do
  jq -e --arg f "$f" '.faults[$f]' "$guards" >/dev/null || continue
  if [ "$mode" = full ]; then ids=$(echo $all_ids); else ids=$(owners "$f" | xargs); fi
  [ "${MUTATION_PRINT:-0}" = 1 ] || run "$f" "$f" "$(variants_of "$f")" "$ids"
done
wait

# ---- the table
if [ "$mode" = full ]; then
  printf '%-32s' "fault \\ test"; for id in $all_ids; do printf "%-${w}s" "${id:0:$((w - 1))}"; done; printf '%s\n' "verdict"
fi
for b in "${baselines[@]}"; do
  IFS='|' read -r name label ids <<<"$b"
  rc=$(cat "$out/$name.rc" 2>/dev/null || echo '?')
  rep=$(ls "$out/$name"/*/report.json 2>/dev/null | head -1)
  if [ -z "$rep" ]; then echo "$label: BAD: no report (make exit $rc; see $out/$name.log)"; status=1; continue; fi
  row "$label" "$rep" "$ids"
  if [ "$rc" = 0 ]; then echo "ok: every scenario passes"; else echo "BAD: baseline failed (make exit $rc; see $out/$name.log)"; status=1; fi
done
for f in $faults; do
  if ! jq -e --arg f "$f" '.faults[$f]' "$guards" >/dev/null; then echo "$f: BAD: not in $guards"; status=1; continue; fi
  v=$(variants_of "$f")
  if [ "$mode" = full ]; then ids=$(echo $all_ids); else ids=$(owners "$f" | xargs); fi
  rc=$(cat "$out/$f.rc" 2>/dev/null || echo '?')
  rep=$(ls "$out/$f"/*/report.json 2>/dev/null | head -1)
  if [ -z "$rep" ]; then printf '%-32s' "$f"; echo "BAD: no report (make exit $rc; see $out/$f.log)"; status=1; continue; fi
  row "$f${v:+ [$v]}" "$rep" "$ids"
  failed=$(jq -r '[.scenarios[].checks[] | select(.pass | not) | .id] | unique | .[]' "$rep")
  errors=$(jq -r '[.scenarios[] | select(.status == "error")] | length' "$rep")
  missing=""
  for g in $(jq -r --arg f "$f" '.faults[$f].guardedBy[]' "$guards"); do
    grep -qx "$g" <<<"$failed" || missing="$missing $g"
  done
  if [ -z "$failed" ]; then echo "BAD: unnoticed"; status=1
  elif [ "$errors" != 0 ]; then echo "BAD: $errors scenario(s) could not run"; status=1
  elif [ -n "$missing" ]; then echo "BAD: guard(s) did not fail:$missing"; status=1
  else echo "caught by $(jq -r --arg f "$f" '.faults[$f].guardedBy | join(", ")' "$guards")"; fi
done
echo
if [ "$mode" = full ]; then
  cut=$(for id in $all_ids; do [ ${#id} -ge $w ] && printf '%s = %s; ' "${id:0:$((w - 1))}" "$id"; done)
  [ -n "$cut" ] && echo "tests: ${cut%; }"
fi
echo "cells: pass = every check passed; FAIL:n = n checks failed; xfail/xpass = a known issue failed/looks fixed; skip = skipped; ERR = could not run; - = not run. Details: $out/<fault>/*/report.json"
[ "$mode" = targeted ] && echo "(MUTATION=targeted: each fault against its guards' scenarios; MUTATION=full prints the whole matrix)"
if [ $status -eq 0 ]; then echo "mutation ($mode, ${SECONDS} s${MUTATION_PRINT:+, printed from $out}): every fault is caught by its guard checks"; else echo "mutation ($mode, ${SECONDS} s): FAILED" >&2; fi
exit $status
