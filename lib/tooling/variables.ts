/**
 * The toolkit's variables: the one table of each variable's name, default, description and
 * kind (what it accepts). lib/tooling/config.ts reads them with it (DEFAULTS, DESCRIPTIONS, SWITCHES
 * and the validation come from here), `make help` and the single file's help list them, and
 * the Makefile's VARS must name exactly those with `make: true` (test/variables.test.ts).
 */

/**
 * What a variable accepts, checked where it is read (lib/tooling/config.ts valueOf):
 * - text, path (relative to the working directory, or to the repository when a preset sets it)
 * - words: split as a shell would, without expansion (an unbalanced quote is refused)
 * - seconds: a positive number
 * - switch: 1/true or 0/false; empty is the default; anything else refused
 * - jobs: a whole number from 1 to 16
 * - capabilities: names of scenarios.json's capabilities, comma- or space-separated (checked
 *   against the plan when it loads: config.ts checkRequired)
 * - one of a closed set of words
 */
export type VariableKind = 'text' | 'path' | 'words' | 'seconds' | 'switch' | 'jobs' | 'capabilities' | { oneOf: readonly string[] };

export interface Variable {
  name: string;
  /** its value when unset and no preset sets it; absent: the description says what happens */
  default?: string;
  description: string;
  kind: VariableKind;
  /** the Makefile passes it from its command line (VARS); false: only a preset or the environment sets it */
  make: boolean;
  /** read only by the repository's own tools (the lab, the dev build, make bench, make shell): the single file (make dist) does not list it */
  repositoryOnly?: boolean;
}

const v = (name: string, kind: VariableKind, dflt: string | undefined, description: string, make = true): Variable => ({
  name,
  ...(dflt === undefined ? {} : { default: dflt }),
  description,
  kind,
  make,
});
const repositoryOnly = (x: Variable): Variable => ({ ...x, repositoryOnly: true });

/** Every variable, in the order `make help` lists them. */
export const VARIABLES: readonly Variable[] = [
  v('TARGET', 'text', 'appengine', 'target name shown in output and reports; TARGET=NAME also loads NAME/preset.env as defaults (TARGET=lab: the lab)'),
  v('TARGET_LABEL', 'text', 'pantavisor-appengine', 'how output and reports describe the target'),
  v('IMAGE', 'text', 'pantavisor-appengine:latest', 'appengine image to run'),
  v('CONTAINER', 'text', 'pva-test', 'appengine container name'),
  v('VOLUME', 'text', 'storage-test', 'storage volume name'),
  v('PVTXD', 'path', 'pvtx.d', 'host directory mounted as pvtx.d'),
  v('ARTIFACTS', 'path', 'build/tmp-scarthgap/deploy/images/docker-x86_64', 'directory holding the built pvrexports'),
  v('IMAGE_TAR', 'path', '', 'docker tar for `make load` (default $ARTIFACTS/pantavisor-appengine-docker.tar)'),
  v('KAS', 'text', './kas-container', 'kas-container command for `make build`'),
  v(
    'KAS_CONFIG',
    'text',
    '.github/configs/release/docker-x86_64-scarthgap.yaml:kas/with-workspace.yaml',
    'kas config for `make build` (unset: the release config META_PANTAVISOR has, kas/build-configs/release/ or, before 2026-04-01, .github/configs/release/)',
  ),
  v('META_PANTAVISOR', 'path', '.', 'the meta-pantavisor checkout `make build` runs kas in'),
  v('DOCKER_RUN_OPTS', 'words', '--privileged', 'extra `docker run` options'),
  v('DEVICE', 'text', '', 'TARGET=device: the running Pantavisor to test, [user@]host[:port] (user _pv_, port 8222 by default), reached over its own SSH'),
  v('DEVICE_KEY', 'path', '', "TARGET=device: ssh's private key for the device (ssh -i; empty: ssh's own keys)"),
  v(
    'DEVICE_RESTORE',
    { oneOf: ['run', 'commit'] },
    'run',
    "TARGET=device: run: each test ends with `pvcontrol cmd run <baseline>`, the revision the device was found on (a test revision that became DONE stays its rollback point, which a reboot boots); commit: make test-N/test-all then installs the baseline's state as a new revision with `pvcontrol cmd run-commit`, so that a reboot boots the baseline's state",
  ),
  v('DEVICE_KNOWN_HOSTS', 'path', '', "TARGET=device: the known-hosts file the device's host key is checked against (empty: ~/.ssh/known_hosts); never unchecked"),
  v('EXTERNAL_HOST', 'text', '8.8.8.8', 'host pinged to prove NAT egress (Test 3)'),
  v('BOOT_TIMEOUT', 'seconds', '90', 'seconds to wait for the boot to settle (READY or refusal)'),
  v('STEP_TIMEOUT', 'seconds', '60', 'seconds to wait for a step (stop/start) to take effect'),
  v('SETTLE_TIMEOUT', 'seconds', '15', 'at most this many seconds of re-checking after readiness before a check is failed'),
  v('SETTLE_STABLE', 'seconds', '3', 'fail sooner: stop re-checking once the verdicts have not changed for this many seconds'),
  v('POLL_INTERVAL', 'seconds', '0.3', 'seconds between polls'),
  v('CMD_TIMEOUT', 'seconds', '20', 'timeout of each command run inside the container'),
  v('PING_WAIT', 'seconds', '1', 'ping -W N: seconds a ping waits for a reply, so a ping the plan expects to fail costs ~2 s, not ~10 s'),
  v('REPORT_DIR', 'path', 'reports', 'where runs write report.json, junit.xml and bundles'),
  v('WORK_DIR', 'path', '.work', 'where derived artifacts (Test 8) are written'),
  v('KEEP', 'switch', '0', '1 keeps the container after test-N'),
  v('DRY_RUN', 'switch', '0', '1 prints commands of build/load instead of running them'),
  v('LABEL', 'text', 'pv-ipam-tests', 'docker label marking what the toolkit created'),
  v('PVTXD_MOUNT', 'text', '/usr/lib/pantavisor/pvtx.d', 'where pvtx.d is mounted in the container', false),
  v('STORAGE_PATH', 'text', '/var/pantavisor/storage', 'where the storage volume is mounted in the container', false),
  v('LOG_FILE', 'text', '/var/pantavisor/storage/logs/0/pantavisor/pantavisor.log', 'pantavisor.log inside the container', false),
  v('DEVICE_JSON', 'text', '/var/pantavisor/storage/trails/0/device.json', "the trail's device.json inside the container", false),
  // in the storage volume: the one place the toolkit knows is writable (a Yocto image's /tmp
  // may be a dangling link to /var/volatile when no init ran)
  v('APPENGINE_OUT', 'text', '/var/pantavisor/storage/.pv-ipam-tests/pv-appengine.out', "file pv-appengine's own output is redirected to (kept in every bundle)", false),
  v('STRICT', 'switch', '0', '1: a known issue that fails (XFAIL) or looks fixed (XPASS) fails the run'),
  v('REQUIRE', 'capabilities', '', 'capabilities (e.g. isolation, iptables) whose absence fails a scenario instead of skipping it'),
  v('VERBOSE', 'switch', '0', '1: echo every command of each gather round (lxc-ls -f, nft list ruleset, the pings, ...), one per line, copy-pasteable'),
  v('PROGRESS', 'switch', '1', '0 hides the updating progress line on a terminal'),
  v('FOLLOW', 'switch', '1', '0: `make logs` prints the log once instead of following it'),
  v('LOG', { oneOf: ['pantavisor', 'appengine'] }, 'pantavisor', "appengine: `make logs` shows pv-appengine's own output instead of pantavisor.log"),
  v('FORCE', 'switch', '0', '1: junit-merge overwrites an OUT that is not a JUnit file the toolkit wrote (refused otherwise)'),
  // read by one script each (not lib/tooling/config.ts): what they accept is that script's
  v('JOBS', 'jobs', '1', 'test-all runs this many tests at once, each on its own container and volume (CONTAINER-<id>, VOLUME-<id>)'),
  v('ONLY', 'text', undefined, 'test-all runs these tests only, in this order (ONLY="1 3 collision"; empty: every test); bisect: the one test'),
  v('SCENARIOS', 'path', undefined, "the plan file to load instead of the repository's scenarios.json (the single file: its embedded plan)"),
  v('SNAPSHOT', 'path', undefined, 'verify-N checks this captured bundle offline (verify-all: a run directory) instead of the running container'),
  v('CAPTURE_DIR', 'path', undefined, "where capture-N writes Test N's bundle (default REPORT_DIR/<time>-capture-<id>)"),
  repositoryOnly(v('CMD', 'text', undefined, '`make shell` runs this one command in the container instead of a shell')),
  v('REPORT', 'path', undefined, 'rerun: the earlier run directory (or its report.json) whose failed tests run again'),
  v('REPORTS', 'text', undefined, 'junit-merge: the report.json files (or run directories) to merge, space-separated'),
  v('OUT', 'path', undefined, 'junit-merge: the JUnit file to write'),
  repositoryOnly(v('LAB_FAULTS', 'text', undefined, "the lab's fault switches (lab/faults.md), passed into its container (empty: none)")),
  repositoryOnly(v('LAB_VARIANTS', 'text', undefined, "the lab's variants (lab/README.md), passed into its container (empty: none)")),
  repositoryOnly(v('BENCH_ONLY', 'text', undefined, 'make bench: the tests it times (empty: all)')),
  repositoryOnly(v('BENCH_JOBS', 'text', '1 2 4', 'make bench: the JOBS values it runs test-all with (empty: none)')),
  repositoryOnly(v('PV_SOURCES', 'path', undefined, 'the directory of the Pantavisor source tarballs, for appengine-dev, exports-dev and bisect')),
  repositoryOnly(v('PANTAVISOR_SRC', 'path', undefined, 'a Pantavisor checkout appengine-dev builds (default: the tarball in PV_SOURCES)')),
  repositoryOnly(v('DEV_CACHE', 'path', 'dev/out/cache', "appengine-dev's build cache, keyed by the sha256 of the sources")),
  repositoryOnly(v('DEV_IMAGE', 'text', 'pantavisor-appengine-dev', "appengine-dev's image repository")),
  repositoryOnly(v('DEV_APT', 'text', '1', '0: appengine-dev does not apt-get install missing build packages (fails naming them)')),
  repositoryOnly(v('GOOD', 'text', undefined, 'bisect: a Pantavisor revision with the earlier verdict')),
  repositoryOnly(v('BAD', 'text', undefined, 'bisect: a Pantavisor revision with the later verdict')),
];

/** A variable of the table, by name (undefined for a name it lacks). */
export function variableNamed(name: string): Variable | undefined {
  return VARIABLES.find((x) => x.name === name);
}
