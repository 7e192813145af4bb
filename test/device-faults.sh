#!/usr/bin/env bash
# make device-faults (bash test/device-faults.sh): the five faults of issue 25 item 4 on a device
# made by make device-dev (DEVICE_DEV_NAME=faults; the baseline of .ci/device: one container, no
# pools). Each must end the run as one error line and exit 3, and a device that can be reached
# must be back on its baseline (revision 0, pv-example-net-server RUNNING):
#   wrong-key     DEVICE_KEY is a key the device does not know (ssh: Permission denied)
#   refused       DEVICE names a port nothing listens on (ssh: Connection refused)
#   reboot-mid    Test 6 runs; once its revision runs, the device reboots (`pvcontrol cmd reboot`
#                 over SSH, as a person would): the connection drops in the middle of its steps
#   no-return     DEVICE_DEV_FAULT=no-return: the device never comes back after the update's reboot
#   reject        DEVICE_DEV_FAULT=reject-updates: `pvtx commit` refuses every update
# The toolkit runs with docker absent from its PATH, as .ci/device. FAULTS="refused reject" runs some.
# Exit: 0 every fault as expected, 1 one was not, 3 no device could be made.
set -uo pipefail
cd "$(dirname "$0")/.."
REPO=$PWD
FAULTS=${FAULTS:-wrong-key refused reboot-mid no-return reject}
# the scenarios' exports: make exports-dev's unless ARTIFACTS says (TARGET=device's preset names none)
EXPORTS=${ARTIFACTS:-$REPO/dev/out/tmp-scarthgap/deploy/images/docker-x86_64}
export DEVICE_DEV_NAME=${DEVICE_DEV_NAME:-faults}
WORK=$(mktemp -d /tmp/device-faults.XXXXXX)
failed=0
pass() { echo "device-faults: ok   $*"; }
fail() { echo "device-faults: FAIL $*" >&2; failed=1; }
up=0
down() { [ $up = 0 ] || make -s device-dev-down >/dev/null 2>&1 || echo "device-faults: device-dev-down failed" >&2; up=0; }
trap 'down; rm -rf "$WORK"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# the baseline of .ci/device, as its own pvrexports directory
TARGET=dev WORK_DIR=$WORK/work npx tsx scripts/derive.ts pv-example-net-server+no-pool >/dev/null || { echo "device-faults: deriving the baseline failed" >&2; exit 3; }
mkdir -p "$WORK/baseline"
cp "$WORK/work/pv-example-net-server+no-pool.pvrexport.tgz" "$WORK/baseline/pv-example-net-server-no-pool.pvrexport.tgz"

# a device with DEVICE_DEV_FAULT=$1 (empty: none); sets DEVICE, DEVICE_KEY, DEVICE_KNOWN_HOSTS
device_up() {
  down
  up=1
  local out line
  out=$(DEVICE_DEV_FAULT=$1 ARTIFACTS=$WORK/baseline DEVICE_DEV_BASELINE=pv-example-net-server-no-pool make -s device-dev 2>&1) || {
    printf '%s\n' "$out" | tail -n 5 >&2
    echo "device-faults: make device-dev failed" >&2
    exit 3
  }
  line=$(grep '^DEVICE=' <<<"$out" | tail -n 1)
  [[ $line =~ ^DEVICE=([^ ]+)\ DEVICE_KEY=([^ ]+)\ DEVICE_KNOWN_HOSTS=([^ ]+)$ ]] || { echo "device-faults: no DEVICE= line" >&2; exit 3; }
  DEVICE=${BASH_REMATCH[1]} DEVICE_KEY=$REPO/${BASH_REMATCH[2]} DEVICE_KNOWN_HOSTS=$REPO/${BASH_REMATCH[3]}
  HOST=${DEVICE#*@} HOST=${HOST%:*} PORT=${DEVICE##*:}
}
on_device() {
  ssh -p "$PORT" -i "$DEVICE_KEY" -o IdentitiesOnly=yes -o UserKnownHostsFile="$DEVICE_KNOWN_HOSTS" -o StrictHostKeyChecking=yes -o BatchMode=yes -o ConnectTimeout=10 "_pv_@$HOST" "$1" 2>/dev/null
}
# back on the baseline: revision 0, pv-example-net-server RUNNING (as a person would look)
on_baseline() {
  local seen
  seen=$(on_device 'readlink /storage/logs/current; lxc-ls -f')
  [ "$(head -n 1 <<<"$seen")" = 0 ] && grep -Eq '^pv-example-net-server +RUNNING ' <<<"$seen"
}

# a PATH without docker (the toolkit's side of every case)
BIN=$WORK/bin
. test/path-without-docker.sh
path_without_docker "$BIN" "$WORK/docker-calls" device-faults || exit 3

# runs make test-$1 TARGET=device (extra VAR=value words after it); sets RC and ERR (the error lines)
run_test() {
  local id=$1
  shift
  env PATH="$BIN" TARGET=device ARTIFACTS="$EXPORTS" EXTERNAL_HOST=198.51.100.1 DEVICE="$DEVICE" DEVICE_KEY="$DEVICE_KEY" DEVICE_KNOWN_HOSTS="$DEVICE_KNOWN_HOSTS" REPORT_DIR="$WORK/reports" "$@" \
    npx tsx scripts/test.ts "$id" </dev/null >"$WORK/out" 2>&1
  RC=$?
  # the run's error: `pv-ipam-tests: ...` before any test, `error: ...` for a test, or a test's
  # `Test N: ERROR (...)` when one of its steps failed (the first of them is the line)
  ERR=$(grep -E '^(error|pv-ipam-tests): |^Test [^ ]+: ERROR \(' "$WORK/out" | head -n 1)
}
# expect: exit 3, an error line matching $2, and (unless $3 = unreachable) the device on its baseline
expect() {
  local name=$1 pattern=$2 reach=${3:-}
  if [ "$RC" != 3 ]; then
    fail "$name: exit $RC, not 3; last lines: $(tail -n 5 "$WORK/out" | tr '\n' '|')"
  elif [ -z "$ERR" ] || ! grep -Eq "$pattern" <<<"$ERR"; then
    fail "$name: exit 3 but not one line matching /$pattern/: $(tr '\n' '|' <<<"$ERR")"
  elif [ "$reach" != unreachable ] && ! on_baseline; then
    fail "$name: exit 3, '$ERR', but the device is not back on its baseline: $(on_device 'readlink /storage/logs/current; lxc-ls -f' | tr '\n' ' ')"
  else
    pass "$name: exit 3, one line: $ERR"
  fi
  cp "$WORK/out" "$WORK/$name.out"
}

for f in $FAULTS; do
  case $f in
  wrong-key)
    [ -n "${DEVICE:-}" ] && [ -z "${FAULTED:-}" ] || { device_up ''; FAULTED=; }
    ssh-keygen -q -t ed25519 -N '' -f "$WORK/other_key" >/dev/null
    run_test 1 DEVICE_KEY="$WORK/other_key"
    expect wrong-key 'Permission denied|key'
    ;;
  refused)
    [ -n "${DEVICE:-}" ] && [ -z "${FAULTED:-}" ] || { device_up ''; FAULTED=; }
    run_test 1 DEVICE="_pv_@$HOST:1"
    expect refused 'refused'
    ;;
  reboot-mid)
    [ -n "${DEVICE:-}" ] && [ -z "${FAULTED:-}" ] || { device_up ''; FAULTED=; }
    # once Test 6's revision is DONE (the run judges it from then on: its stop/start steps are
    # under way), reboot the device; polled once a second, for at most 180 s
    (
      for _ in $(seq 1 180); do
        rev=$(on_device 'readlink /storage/logs/current')
        case $rev in locals/pv-ipam-tests-6-*)
          if on_device "pvcontrol steps show-progress $rev" | grep -q '"status":"DONE"'; then
            on_device 'pvcontrol cmd reboot' >/dev/null
            echo "device-faults: rebooted the device on $rev"
            exit 0
          fi
          ;;
        esac
        sleep 1
      done
    ) &
    rebooter=$!
    run_test 6
    wait $rebooter
    # the line is the ssh driver's class of the drop (closed, refused, stopped answering), or the
    # step whose command the stopping Pantavisor refused (`pvcontrol containers start ... exited 1`)
    expect reboot-mid 'closed|refused|stopped answering|did not come back|connection|ssh to .* failed|exited [0-9]+'
    ;;
  no-return)
    device_up no-return
    FAULTED=1
    run_test 1 BOOT_TIMEOUT=60
    expect no-return 'did not come back|not back on its baseline|refused|unreachable' unreachable
    ;;
  reject)
    device_up reject-updates
    FAULTED=1
    run_test 1
    expect reject 'rejected the update'
    ;;
  *) echo "device-faults: unknown fault '$f' (known: wrong-key refused reboot-mid no-return reject)" >&2; exit 2 ;;
  esac
done
if [ -s "$WORK/docker-calls" ]; then
  echo "device-faults: FAIL docker was called with TARGET=device: $(head -n 3 "$WORK/docker-calls" | tr '\n' ';')" >&2
  failed=1
fi
[ $failed = 0 ] && echo "device-faults: every fault ended in one line, exit 3, the device back on its baseline where it could be reached"
exit $failed
