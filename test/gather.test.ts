import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { explainMissing } from '../lib/evidence/exit-status.ts';
import { gatherCommands, type GatherPaths, gatherScript, MARK, newMark, parseGatherOutput } from '../lib/bundle/gather.ts';
import { EXTRA_FILES, FILES, pingFileName, progressFileName, stateFromFiles } from '../lib/bundle/bundle.ts';

const sample = (path: string) => readFileSync(new URL(`./samples/${path}`, import.meta.url), 'utf8');

const roots: string[] = [];
after(() => {
  for (const r of roots) rmSync(r, { recursive: true, force: true });
});

/** Output each fake command prints (stdout) and its exit status. */
interface FakeOut {
  out: string;
  rc?: number;
  stderr?: string;
}

/**
 * A temp dir with `bin/` holding fake lxc-ls, ip, nft, pvcontrol, pventer and timeout, whose
 * outputs come from files in `data/`, so that the generated script runs under a real `sh`.
 */
function fakeBox(outputs: { lxcLs: FakeOut; ip: FakeOut; nft: FakeOut; pvcontrol: FakeOut; pings?: Record<string, FakeOut> }) {
  const root = mkdtempSync(join(tmpdir(), 'gather-test-'));
  roots.push(root);
  const bin = join(root, 'bin');
  const data = join(root, 'data');
  mkdirSync(bin);
  mkdirSync(data);
  const exe = (name: string, body: string) => {
    writeFileSync(join(bin, name), `#!/bin/sh\n${body}\n`);
    chmodSync(join(bin, name), 0o755);
  };
  const store = (key: string, o: FakeOut) => {
    writeFileSync(join(data, `${key}.out`), o.out);
    writeFileSync(join(data, `${key}.err`), o.stderr ?? '');
    writeFileSync(join(data, `${key}.rc`), String(o.rc ?? 0));
  };
  // print stdout/stderr of a stored output and exit with its status
  const replay = (key: string) => `cat "${data}/${key}.out"; cat "${data}/${key}.err" >&2; exit $(cat "${data}/${key}.rc")`;
  // drops "-k N N" and runs the command
  exe('timeout', 'if [ "$1" = -k ]; then shift 3; else shift 1; fi\nexec "$@"');
  store('lxc-ls', outputs.lxcLs);
  exe('lxc-ls', `[ "$1" = -f ] || exit 99\n${replay('lxc-ls')}`);
  store('ip', outputs.ip);
  exe('ip', `[ "$*" = "addr show" ] || exit 99\n${replay('ip')}`);
  store('nft', outputs.nft);
  exe('nft', `[ "$*" = "list ruleset" ] || exit 99\n${replay('nft')}`);
  store('pvcontrol', outputs.pvcontrol);
  exe('pvcontrol', `[ "$*" = "containers ls" ] || exit 99\n${replay('pvcontrol')}`);
  const pings = outputs.pings ?? {};
  for (const [key, o] of Object.entries(pings)) store(`ping-${key}`, o);
  const sources = new Set(Object.keys(pings).map((k) => k.replace(/-[^-]*$/, ''))).size;
  // pventer -c FROM ping -c 2 -W N TO: each ping announces it started and waits (up to ~5 s)
  // until a ping from every source has started, so pings run one after another across
  // containers would print "alone" instead of "together"; a second pventer into a container
  // that is still busy prints "collision" (what a real pventer's /env-<pid> file does).
  exe(
    'pventer',
    [
      '[ "$1" = -c ] && [ "$3" = ping ] && [ "$4" = -c ] && [ "$5" = 2 ] && [ "$6" = -W ] && [ "$7" = 1 ] || exit 99',
      `k="$2-$8"; busy="${data}/busy-$2"`,
      '[ -e "$busy" ] && echo "collision in $2" >&2',
      `touch "$busy" "${data}/started-$k"`,
      'i=0; while [ $i -lt 50 ]; do',
      `  [ $(ls "${data}" | grep '^started-' | sed 's/-[^-]*$//' | sort -u | wc -l) -ge ${sources} ] && break`,
      '  sleep 0.1; i=$((i+1))',
      'done',
      `if [ $i -lt 50 ]; then echo "together" >&2; else echo "alone" >&2; fi`,
      'rm -f "$busy"',
      `cat "${data}/ping-$k.out"; exit $(cat "${data}/ping-$k.rc")`,
    ].join('\n'),
  );
  return { root, bin, data };
}

function runScript(bin: string, script: string): string {
  return execFileSync('sh', ['-c', script], {
    encoding: 'utf8',
    env: { ...process.env, PATH: `${bin}:${process.env.PATH}` },
    timeout: 30_000,
  });
}

const EMPTY: FakeOut = { out: '' };

test('gatherCommands lists what a user would type', () => {
  const cmds = gatherCommands({ deviceJsonFile: '/a/device.json', logFile: '/a/pv.log', appengineOut: "/tmp/it's.out" }, [{ from: 'pv-example-net-client', to: '10.0.5.3' }]);
  assert.deepEqual(cmds, [
    [FILES.lxcLs, 'lxc-ls -f'],
    [FILES.deviceJson, 'cat /a/device.json'],
    [FILES.log, 'cat /a/pv.log'],
    [FILES.ipAddr, 'ip addr show'],
    [FILES.nft, 'nft list ruleset'],
    [EXTRA_FILES.pvcontrol, 'pvcontrol containers ls'],
    [EXTRA_FILES.appengineOut, `cat "/tmp/it's.out"`],
    ['ping-pv-example-net-client-10.0.5.3.txt', 'pventer -c pv-example-net-client ping -c 2 -W 1 10.0.5.3'],
  ]);
});

test('gatherScript puts every command under timeout -k 2 N', () => {
  const script = gatherScript({ deviceJsonFile: '/d', logFile: '/l', appengineOut: '/o' }, 7, [{ from: 'a', to: 'b' }]);
  for (const cmd of ['lxc-ls -f', 'cat /d', 'cat /l', 'ip addr show', 'nft list ruleset', 'cat /o', 'pventer -c a ping -c 2 -W 1 b']) {
    assert.ok(script.includes(`timeout -k 2 7 ${cmd}`), cmd);
  }
  // pvcontrol (for people, not checks) runs in the background, kept only if it came in time, in
  // a process group of its own (stopped as a whole)
  assert.ok(script.includes(`setsid timeout -k 1 2 sh -c 'pvcontrol containers ls > "$1" 2>/dev/null; echo $? > "$1.rc"' sh "$d/`), script);
});

test('a real sh run of the script splits back into the exact file contents', () => {
  const box = fakeBox({
    lxcLs: { out: sample('two-containers-one-pool/lxc-ls.txt') },
    ip: { out: sample('two-containers-one-pool/ip-addr.txt') },
    nft: { out: sample('two-containers-one-pool/nft-ruleset.txt') },
    // no trailing newline
    pvcontrol: { out: '[{"name":"pv-example-net-client","status":"STARTED"}]' },
  });
  // paths with a space and a quote survive the quoting
  const dir = join(box.root, "stor age's");
  mkdirSync(dir);
  const deviceJson = '{"network":{"pools":{"internal":{"subnet":"10.0.5.0/24","gateway":"10.0.5.1"}}}}';
  const log = sample('two-containers-one-pool/pantavisor.log');
  // text that looks like the markers, but not a whole end-marker line
  const appOut = `starting\n${MARK} begin lxc-ls.txt\nx ${MARK} end rc=9\n${MARK} begin\n\n\nlast line without newline`;
  const paths: GatherPaths = { deviceJsonFile: join(dir, 'device.json'), logFile: join(dir, 'pantavisor.log'), appengineOut: join(dir, 'pv-appengine.out') };
  writeFileSync(paths.deviceJsonFile, deviceJson);
  writeFileSync(paths.logFile, log);
  writeFileSync(paths.appengineOut, appOut);

  const out = runScript(box.bin, gatherScript(paths, 5));
  const g = parseGatherOutput(out);
  assert.deepEqual(
    Object.keys(g.files).sort(),
    [
      FILES.deviceJson,
      FILES.ipAddr,
      FILES.lxcLs,
      FILES.nft,
      FILES.log,
      EXTRA_FILES.appengineOut,
      EXTRA_FILES.pvcontrol,
      EXTRA_FILES.exitStatus,
    ].sort(),
  );
  assert.equal(g.files[FILES.lxcLs], sample('two-containers-one-pool/lxc-ls.txt'));
  assert.equal(g.files[FILES.deviceJson], deviceJson);
  assert.equal(g.files[FILES.log], log);
  assert.equal(g.files[FILES.ipAddr], sample('two-containers-one-pool/ip-addr.txt'));
  assert.equal(g.files[FILES.nft], sample('two-containers-one-pool/nft-ruleset.txt'));
  assert.equal(g.files[EXTRA_FILES.pvcontrol], '[{"name":"pv-example-net-client","status":"STARTED"}]');
  assert.equal(g.files[EXTRA_FILES.appengineOut], appOut);
  for (const f of Object.keys(g.files)) if (f !== EXTRA_FILES.exitStatus) assert.equal(g.rc[f], 0, f);

  // and the bundle state built from them is the real one
  const st = stateFromFiles(g.files);
  assert.deepEqual(st.missing, []);
  assert.deepEqual(st.lxc.map((r) => r.ipv4), [['10.0.5.2'], ['10.0.5.3']]);
});

// no wall-clock bound (a loaded machine made a 3 s one flake): a pvcontrol that hangs for 10 minutes
// ends with 143 only if the round stopped it, and runScript's 30 s timeout fails a round that waited
test('a pvcontrol that does not answer by the end of the round is stopped (143) and does not hold the round', () => {
  const box = fakeBox({ lxcLs: EMPTY, ip: { out: sample('two-containers-one-pool/ip-addr.txt') }, nft: EMPTY, pvcontrol: EMPTY });
  // a pantavisor tearing down: pvcontrol hangs (the fake timeout drops the cap, so only the kill ends it)
  writeFileSync(join(box.bin, 'pvcontrol'), '#!/bin/sh\nexec sleep 600\n');
  const dir = mkdtempSync(join(box.root, 'st-'));
  const paths: GatherPaths = { deviceJsonFile: join(dir, 'device.json'), logFile: join(dir, 'pantavisor.log'), appengineOut: join(dir, 'pv-appengine.out') };
  writeFileSync(paths.deviceJsonFile, '{}');
  const g = parseGatherOutput(runScript(box.bin, gatherScript(paths, 5)));
  assert.equal(g.rc[EXTRA_FILES.pvcontrol], 143);
  assert.equal(g.files[EXTRA_FILES.pvcontrol], undefined);
  assert.equal(g.files[FILES.deviceJson], '{}');
});

test('empty output is kept, a missing file is left out, a failing command with output is kept', () => {
  const box = fakeBox({
    lxcLs: EMPTY, // no containers: lxc-ls prints nothing and succeeds
    ip: { out: '', rc: 1, stderr: 'ip: RTNETLINK answers: Operation not permitted\n' },
    nft: { out: 'table ip nat {\n}\n', rc: 1 },
    pvcontrol: { out: '', rc: 127, stderr: 'pvcontrol: not found\n' },
  });
  const paths: GatherPaths = {
    deviceJsonFile: join(box.root, 'no-such-device.json'),
    logFile: join(box.root, 'empty.log'),
    appengineOut: join(box.root, 'no-such.out'),
  };
  writeFileSync(paths.logFile, '');
  const g = parseGatherOutput(runScript(box.bin, gatherScript(paths, 5)));
  assert.equal(g.files[FILES.lxcLs], '');
  assert.equal(g.rc[FILES.lxcLs], 0);
  assert.equal(g.files[FILES.log], '');
  assert.ok(!(FILES.deviceJson in g.files));
  assert.equal(g.rc[FILES.deviceJson], 1);
  assert.ok(!(FILES.ipAddr in g.files), 'stderr is not captured for non-ping commands');
  assert.equal(g.rc[FILES.ipAddr], 1);
  assert.equal(g.files[FILES.nft], 'table ip nat {\n}\n');
  assert.equal(g.rc[FILES.nft], 1);
  assert.ok(!(EXTRA_FILES.pvcontrol in g.files));
  assert.equal(g.rc[EXTRA_FILES.pvcontrol], 127);
  assert.ok(!(EXTRA_FILES.appengineOut in g.files));

  const st = stateFromFiles(g.files);
  assert.deepEqual(st.missing, [FILES.deviceJson, FILES.ipAddr]);
  assert.deepEqual(st.lxc, []);
  assert.equal(st.deviceError, 'device.json missing');
  // a command that exited non-zero made no evidence: its checks are ERRORs, never "no rules"
  assert.deepEqual(st.unreadable, {
    [FILES.ipAddr]: 'ip-addr.txt missing: its command exited 1',
    [FILES.nft]: 'nft-ruleset.txt: its command exited 1, output "table ip nat { ⏎ }"',
  });
});

test('pings from different containers run together, from one container one after another; sections hold stdout and stderr', () => {
  const busyLoss = sample('ping/busybox-loss.txt');
  const box = fakeBox({
    lxcLs: EMPTY,
    ip: EMPTY,
    nft: EMPTY,
    pvcontrol: EMPTY,
    pings: {
      'pv-example-net-client-10.0.5.3': { out: sample('ping/busybox-success.txt') },
      'pv-example-net-client-203.0.113.10': { out: busyLoss, rc: 1 },
      'pv-example-net-gone-10.0.5.2': { out: 'no container found: pv-example-net-gone\n', rc: 1 },
    },
  });
  const pings = [
    { from: 'pv-example-net-client', to: '10.0.5.3' },
    { from: 'pv-example-net-client', to: '203.0.113.10' },
    { from: 'pv-example-net-gone', to: '10.0.5.2' },
  ];
  const paths: GatherPaths = { deviceJsonFile: join(box.root, 'x'), logFile: join(box.root, 'y'), appengineOut: join(box.root, 'z') };
  const g = parseGatherOutput(runScript(box.bin, gatherScript(paths, 10, pings)));

  const ok = g.files[pingFileName('pv-example-net-client', '10.0.5.3')];
  assert.equal(ok, 'together\n' + sample('ping/busybox-success.txt'));
  assert.equal(g.rc[pingFileName('pv-example-net-client', '10.0.5.3')], 0);
  assert.equal(g.files[pingFileName('pv-example-net-client', '203.0.113.10')], 'together\n' + busyLoss);
  assert.equal(g.rc[pingFileName('pv-example-net-client', '203.0.113.10')], 1);
  assert.equal(g.files[pingFileName('pv-example-net-gone', '10.0.5.2')], 'together\nno container found: pv-example-net-gone\n');
  assert.equal(g.rc[pingFileName('pv-example-net-gone', '10.0.5.2')], 1);

  const st = stateFromFiles(g.files);
  assert.equal(st.pings[pingFileName('pv-example-net-client', '10.0.5.3')].summary?.lossPercent, 0);
  assert.equal(st.pings[pingFileName('pv-example-net-client', '203.0.113.10')].summary?.lossPercent, 100);
  assert.equal(st.pings[pingFileName('pv-example-net-gone', '10.0.5.2')].summary, undefined);
});

test('the script leaves no temp dir behind', () => {
  const box = fakeBox({ lxcLs: EMPTY, ip: EMPTY, nft: EMPTY, pvcontrol: EMPTY, pings: { 'a-b': { out: 'x\n' } } });
  const tmp = join(box.root, 'tmp');
  mkdirSync(tmp);
  const paths: GatherPaths = { deviceJsonFile: join(box.root, 'x'), logFile: join(box.root, 'y'), appengineOut: join(box.root, 'z') };
  execFileSync('sh', ['-c', gatherScript(paths, 5, [{ from: 'a', to: 'b' }])], {
    encoding: 'utf8',
    env: { ...process.env, PATH: `${box.bin}:${process.env.PATH}`, TMPDIR: tmp },
  });
  assert.equal(execFileSync('ls', ['-A', tmp], { encoding: 'utf8' }), '');
});

// ---- parseGatherOutput on hand-written output ----
/** The command outputs of a round, without the exit-status.json it adds (tested on its own). */
function outputs(g: { files: Record<string, string> }): Record<string, string> {
  const { [EXTRA_FILES.exitStatus]: _statuses, ...rest } = g.files;
  return rest;
}

const section = (file: string, content: string, rc = 0) => `${MARK} begin ${file}\n${content}\n${MARK} end rc=${rc}\n`;

test('parseGatherOutput: contents with and without trailing newline, and empty', () => {
  const out = section('a.txt', 'one\n') + section('b.txt', 'two') + section('c.txt', '') + section('d.txt', '\n\n');
  const g = parseGatherOutput(out);
  assert.deepEqual(outputs(g), { 'a.txt': 'one\n', 'b.txt': 'two', 'c.txt': '', 'd.txt': '\n\n' });
  assert.deepEqual(g.rc, { 'a.txt': 0, 'b.txt': 0, 'c.txt': 0, 'd.txt': 0 });
});

test('parseGatherOutput: empty output of a failed command is left out, its rc kept', () => {
  const g = parseGatherOutput(section('device.json', '', 1) + section('x', 'partial', 124));
  assert.deepEqual(outputs(g), { x: 'partial' });
  assert.deepEqual(g.rc, { 'device.json': 1, x: 124 });
  // the statuses go into the bundle, so that an offline verify knows the command failed
  assert.deepEqual(JSON.parse(g.files[EXTRA_FILES.exitStatus]), { 'device.json': 1, x: 124 });
});

test('parseGatherOutput: text before the first marker is ignored', () => {
  const g = parseGatherOutput('sh: warning\n' + section('a', 'A'));
  assert.deepEqual(outputs(g), { a: 'A' });
});

test('parseGatherOutput: a begin-marker line inside a section is content', () => {
  const content = `x\n${MARK} begin fake.txt\ny`;
  const g = parseGatherOutput(section('a', content) + section('b', 'B'));
  assert.deepEqual(outputs(g), { a: content, b: 'B' });
});

test('parseGatherOutput: truncated output keeps only the complete sections', () => {
  const full = section('a', 'A\n') + section('b', 'B\n') + section('c', 'C\n');
  assert.deepEqual(outputs(parseGatherOutput(full)), { a: 'A\n', b: 'B\n', c: 'C\n' });
  // cut inside c's content
  const cutContent = full.slice(0, full.indexOf('C\n') + 1);
  assert.deepEqual(outputs(parseGatherOutput(cutContent)), { a: 'A\n', b: 'B\n' });
  // cut inside c's begin line
  const cutBegin = full.slice(0, full.lastIndexOf(`${MARK} begin c`) + MARK.length + 4);
  assert.deepEqual(outputs(parseGatherOutput(cutBegin)), { a: 'A\n', b: 'B\n' });
  // cut inside c's end marker
  const cutEnd = full.slice(0, full.lastIndexOf(`${MARK} end`) + 5);
  assert.deepEqual(outputs(parseGatherOutput(cutEnd)), { a: 'A\n', b: 'B\n' });
  // cut after c's rc digits, before the final newline: complete
  const cutLastNewline = full.slice(0, -1);
  assert.deepEqual(outputs(parseGatherOutput(cutLastNewline)), { a: 'A\n', b: 'B\n', c: 'C\n' });
  assert.equal(parseGatherOutput(cutLastNewline).rc.c, 0);
  // nothing at all
  assert.deepEqual(parseGatherOutput(''), { files: {}, rc: {} });
});

test('parseGatherOutput: an end marker cut before its rc does not claim success', () => {
  const out = section('a', 'A') + `${MARK} begin b\nB\n${MARK} end rc=`;
  const g = parseGatherOutput(out);
  assert.deepEqual(outputs(g), { a: 'A' });
  assert.equal('b' in g.rc, false);
});

test('parseGatherOutput: with a per-round marker, marker-like text inside content does not truncate the file', () => {
  const mark = newMark(() => 0.5);
  const content = `before
${MARK} end rc=0
after`;
  const sec = (f: string, c: string) =>
    `${mark} begin ${f}
${c}
${mark} end rc=0
`;
  const g = parseGatherOutput(sec('a', content) + sec('b', 'B'), mark);
  assert.deepEqual(outputs(g), { a: content, b: 'B' });
});

test('gatherScript: without mktemp the ping scratch space sits next to pv-appengine.out (in the storage volume)', () => {
  const script = gatherScript({ deviceJsonFile: '/d', logFile: '/l', appengineOut: '/var/pantavisor/storage/.pv-ipam-tests/pv-appengine.out' }, 7, []);
  assert.ok(script.startsWith(`d=$(mktemp -d 2>/dev/null) || { d=/var/pantavisor/storage/.pv-ipam-tests/gather.$$; mkdir -p "$d"; }`));
});

test('explainMissing says why a bundle file is missing', () => {
  assert.equal(explainMissing('lxc-ls.txt missing', { 'lxc-ls.txt': 124 }, 5), 'lxc-ls.txt missing: killed by its 5 s timeout (CMD_TIMEOUT), exit 124');
  assert.equal(explainMissing('nft-ruleset.txt missing', { 'nft-ruleset.txt': 127 }, 5), 'nft-ruleset.txt missing: command not found (exit 127)');
  assert.equal(explainMissing('device.json missing', { 'device.json': 1 }, 5), 'device.json missing: its command exited 1');
  assert.equal(explainMissing('lxc-ls.txt missing', {}, 5), 'lxc-ls.txt missing');
  assert.equal(explainMissing('pv-a RUNNING', { 'lxc-ls.txt': 124 }, 5), 'pv-a RUNNING');
});

test('no two pvcontrol calls at once: show-progress runs before the background containers ls (pantavisor 303584a7 crossed their answers)', () => {
  const box = fakeBox({ lxcLs: EMPTY, ip: EMPTY, nft: EMPTY, pvcontrol: EMPTY });
  // a control socket like the dev appengine's: a call that overlaps another gets no answer (exit 1)
  const busy = join(box.data, 'ctrl-busy');
  writeFileSync(
    join(box.bin, 'pvcontrol'),
    [
      '#!/bin/sh',
      `if [ -e "${busy}" ]; then echo "ERROR: got no response" >&2; exit 1; fi`,
      `touch "${busy}"; sleep 0.1`,
      'case "$*" in',
      `  "containers ls") echo '[{"name":"pv-example-net-server","status":"STARTED"}]' ;;`,
      `  "steps show-progress locals/pool-707") echo '{"status":"DONE","status-msg":"Update finished, revision set as rollback point","progress":100}' ;;`,
      '  *) rm -f "' + busy + '"; exit 99 ;;',
      'esac',
      `rm -f "${busy}"`,
    ].join('\n') + '\n',
  );
  const dir = mkdtempSync(join(box.root, 'st-'));
  const paths: GatherPaths = { deviceJsonFile: join(dir, 'device.json'), logFile: join(dir, 'pantavisor.log'), appengineOut: join(dir, 'pv-appengine.out') };
  writeFileSync(paths.deviceJsonFile, '{}');
  const progress = progressFileName('locals/pool-707');
  for (const only of [undefined, new Set([progress, EXTRA_FILES.pvcontrol])]) {
    const g = parseGatherOutput(runScript(box.bin, gatherScript(paths, 5, [], MARK, only, { optional: [progress] })));
    assert.equal(g.rc[progress], 0, `show-progress: ${g.files[progress]}`);
    assert.match(g.files[progress], /"status":"DONE"/);
    assert.equal(g.rc[EXTRA_FILES.pvcontrol], 0);
    assert.match(g.files[EXTRA_FILES.pvcontrol], /pv-example-net-server/);
  }
});

/** The state letter of a process (R, S, Z, ...), or undefined when there is none. */
function processState(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(') ') + 2).split(' ')[0];
  } catch {
    return undefined;
  }
}

/** The pids of `file` (one a line) that still run: a zombie runs nothing, so it does not count. */
function running(file: string): number[] {
  let text = '';
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return [];
  }
  return text.split('\n').filter(Boolean).map(Number).filter((pid) => {
    const state = processState(pid);
    return state !== undefined && state !== 'Z';
  });
}

/** Polls (deadline, never a fixed wait) until no pid of `file` runs; returns those still running. */
function awaitNoneRunning(file: string, deadlineMs: number): number[] {
  const end = Date.now() + deadlineMs;
  let left = running(file);
  while (left.length && Date.now() < end) {
    execFileSync('sleep', ['0.05']);
    left = running(file);
  }
  return left;
}

// the shells a round meets: dash (sh here), bash (sh of the dev and Yocto appengines), busybox sh (the lab's)
const shells: { name: string; argv: string[]; setsid?: string; timeout?: string; hostTimeout?: boolean }[] = [
  { name: 'sh', argv: ['sh'] },
  // GNU timeout (the Yocto appengine's) makes a process group of its own unless it leads one
  { name: 'sh, the host timeout', argv: ['sh'], hostTimeout: true },
  { name: 'bash', argv: ['bash'] },
  // busybox's own setsid and timeout applets, as on the lab and the dev appengine (its timeout
  // watches from a daemon of its own: the group's leader is the command it runs)
  { name: 'busybox sh', argv: ['busybox', 'sh'], setsid: 'exec busybox setsid "$@"', timeout: 'exec busybox timeout "$@"' },
];
const hasProgram = (p: string) => {
  try {
    execFileSync('sh', ['-c', 'command -v "$1"', 'sh', p], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};

for (const shell of shells) {
  test(`a background pvcontrol stopped at the end of the round leaves no process of its tree behind, so its pvcurl cannot delete the next command's /tmp/http_res (${shell.name})`, (t) => {
    if (!hasProgram(shell.argv[0]) || !hasProgram('setsid')) return t.skip(`no ${shell.argv[0]} or setsid on this machine`);
    const box = fakeBox({ lxcLs: EMPTY, ip: EMPTY, nft: EMPTY, pvcontrol: EMPTY });
    // pantavisor's tools/pvcurl: FIXED temp files, deleted at its end; pvcontrol runs it as a child
    const fixed = join(box.data, 'tmp');
    mkdirSync(fixed);
    const pids = join(box.data, 'tree.pids');
    const release = join(box.data, 'release');
    const exe = (name: string, lines: string[]) => {
      writeFileSync(join(box.bin, name), ['#!/bin/sh', ...lines].join('\n') + '\n');
      chmodSync(join(box.bin, name), 0o755);
    };
    exe('pvcontrol', [`echo $$ >> "${pids}"`, '[ "$*" = "containers ls" ] || exit 99', 'pvcurl --unix-socket /pv/pv-ctrl http://localhost/containers']);
    exe('pvcurl', [
      `echo $$ >> "${pids}"`,
      `printf 'GET /containers HTTP/1.0\\r\\n' > "${fixed}/http_req"`,
      // pantavisor does not answer (nc -w 5 waits): until the test releases it, with a deadline
      `i=0; while [ ! -e "${release}" ] && [ $i -lt 400 ]; do sleep 0.05; i=$((i + 1)); done`,
      `rm -f "${fixed}/http_req" "${fixed}/http_res" "${fixed}/nc_err"`,
    ]);
    if (shell.setsid) exe('setsid', [shell.setsid]);
    if (shell.hostTimeout) rmSync(join(box.bin, 'timeout'));
    if (shell.timeout) exe('timeout', [shell.timeout]);
    const dir = mkdtempSync(join(box.root, 'st-'));
    const paths: GatherPaths = { deviceJsonFile: join(dir, 'device.json'), logFile: join(dir, 'pantavisor.log'), appengineOut: join(dir, 'pv-appengine.out') };
    writeFileSync(paths.deviceJsonFile, '{}');
    try {
      const out = execFileSync(shell.argv[0], [...shell.argv.slice(1), '-c', gatherScript(paths, 5)], {
        encoding: 'utf8',
        env: { ...process.env, PATH: `${box.bin}:${process.env.PATH}` },
        timeout: 30_000,
      });
      const g = parseGatherOutput(out);
      assert.equal(g.rc[EXTRA_FILES.pvcontrol], 143, 'stopped: it never answered');
      assert.equal(g.files[FILES.deviceJson], '{}');
      // the round's script has ended: nothing of the background call may still run
      assert.equal(readFileSync(pids, 'utf8').trim().split('\n').length, 2, 'pvcontrol and its pvcurl both started');
      assert.deepEqual(running(pids), [], 'pvcontrol/pvcurl of the round still running after its script ended');
      // the next step's `pvcontrol containers start` gets its answer in /tmp/http_res ...
      writeFileSync(join(fixed, 'http_res'), 'HTTP/1.0 200 OK\r\n\r\n');
      // ... and whatever of the round could still act has acted (a leftover pvcurl deletes it here)
      writeFileSync(release, '');
      assert.deepEqual(awaitNoneRunning(pids, 20_000), [], 'the leftovers never ended');
      assert.equal(readFileSync(join(fixed, 'http_res'), 'utf8'), 'HTTP/1.0 200 OK\r\n\r\n', "the next command's /tmp/http_res");
    } finally {
      writeFileSync(release, '');
      for (const pid of awaitNoneRunning(pids, 20_000)) process.kill(pid, 'SIGKILL');
    }
  });
}

test('explainMissing and a bundle tell an exit status with the one table (lib/evidence/exit-status.ts): 126 is not executable', () => {
  assert.equal(explainMissing('lxc-ls.txt missing', { 'lxc-ls.txt': 126 }, 5), 'lxc-ls.txt missing: command not executable (exit 126)');
  assert.equal(explainMissing('lxc-ls.txt missing: killed by its timeout (CMD_TIMEOUT), exit 137', {}, 7), 'lxc-ls.txt missing: killed by its 7 s timeout (CMD_TIMEOUT), exit 137');
});
