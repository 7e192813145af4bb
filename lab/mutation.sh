#!/usr/bin/env bash
# make mutation: switch on each lab fault in turn, run the scenarios against the lab with the
# toolkit's own `make test-all TARGET=lab`, and print a matrix of which checks failed where.
# A fault passes the mutation test when at least one scenario failed (status 1, not a crash or
# an environment error) and every check named in lab/fault-guards.json failed. Scenarios run
# without a fault are the baseline: they must all pass.
#   MUTATION_FAULTS="a b"  only these faults      MUTATION_BASELINE=0  skip the baseline run
set -uo pipefail
cd "$(dirname "$0")/.."
guards=lab/fault-guards.json
out=${MUTATION_DIR:-reports/mutation}
rm -rf "$out"; mkdir -p "$out"
faults=${MUTATION_FAULTS:-$(jq -r '.faults | keys_unsorted[]' "$guards")}
ids=$(jq -r '.scenarios[].id' scenarios.json)

run() { # run NAME FAULTS -> writes $out/NAME/, echoes make's exit status
  make -s test-all TARGET=lab LAB_FAULTS="$2" REPORT_DIR="$out/$1" >"$out/$1.log" 2>&1
  echo $?
}

cell() { # cell REPORT ID -> "pass", "FAIL:n" or "ERR"
  jq -r --arg id "$2" '.scenarios[] | select(.id == $id) |
    if .status == "passed" then "pass" elif .status == "error" then "ERR" else "FAIL:\([.checks[] | select(.pass | not)] | length)" end' "$1"
}

status=0
printf '%-22s' "fault \\ test"; for id in $ids; do printf '%-9s' "$id"; done; printf '%s\n' "verdict"
if [ "${MUTATION_BASELINE:-1}" != 0 ]; then
  rc=$(run baseline "")
  rep=$(ls "$out"/baseline/*/report.json 2>/dev/null | head -1)
  printf '%-22s' "(none)"
  for id in $ids; do printf '%-9s' "$( [ -n "$rep" ] && cell "$rep" "$id" || echo '?')"; done
  if [ "$rc" = 0 ]; then echo "ok: every scenario passes"; else echo "BAD: baseline failed (make exit $rc)"; status=1; fi
fi
for f in $faults; do
  rc=$(run "$f" "$f")
  rep=$(ls "$out/$f"/*/report.json 2>/dev/null | head -1)
  printf '%-22s' "$f"
  if [ -z "$rep" ]; then echo "BAD: no report (make exit $rc; see $out/$f.log)"; status=1; continue; fi
  for id in $ids; do printf '%-9s' "$(cell "$rep" "$id")"; done
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
echo "cells: pass = every check passed; FAIL:n = n checks failed; ERR = could not run. Details: $out/<fault>/*/report.json"
[ $status -eq 0 ] && echo "mutation: every fault is caught by its guard checks" || echo "mutation: FAILED" >&2
exit $status
