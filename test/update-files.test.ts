/**
 * The bundle files of an update (issue 16, lib/bundle/bundle.ts UPDATE_FILES): their names (the revision
 * in the name, `/` as `+`), their commands (gather.ts optionalCommand), gathering them only when a
 * check reads them, the exit-255 rule, and the parsed state an offline bundle gives (stateFromFiles).
 * Samples: test/samples/updates/lab (real lab outputs, see its README.md) and observed §11.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  EXTRA_FILES,
  FILES,
  isUpdateFile,
  progressFileName,
  progressFileRevision,
  revisionLogFileName,
  revisionLogFileRevision,
  revisionOfLink,
  stateFromFiles,
  unreadableEvidence,
  UPDATE_FILES,
} from '../lib/bundle/bundle.ts';
import { filesFor, gatherCommands, gatherScript, isOptionalFile, optionalCommand, optionalFilesFor, parseGatherOutput, revisionLogPath, storageOf } from '../lib/bundle/gather.ts';
import { describeProgress, parseProgress, parseProgressLogs } from '../lib/parse/pv-progress.ts';
import type { Check } from '../lib/plan/scenarios.ts';

const sample = (name: string) => readFileSync(new URL(`./samples/updates/lab/${name}`, import.meta.url), 'utf8');

const roots: string[] = [];
after(() => {
  for (const r of roots) rmSync(r, { recursive: true, force: true });
});

const PATHS = { deviceJsonFile: '/var/pantavisor/storage/trails/0/device.json', logFile: '/var/pantavisor/storage/logs/0/pantavisor/pantavisor.log', appengineOut: '/o' };

test('file names carry the revision, / as +; rev 0 is pantavisor.log', () => {
  assert.equal(progressFileName('locals/add-client'), 'progress-locals+add-client.json');
  assert.equal(progressFileName('0'), 'progress-0.json');
  assert.equal(revisionLogFileName('locals/add-client'), 'pantavisor-locals+add-client.log');
  assert.equal(revisionLogFileName('0'), FILES.log);
  assert.equal(revisionLogFileName(undefined), FILES.log);
  assert.equal(progressFileRevision('progress-locals+add-client.json'), 'locals/add-client');
  assert.equal(revisionLogFileRevision('pantavisor-locals+a.b_c-1.log'), 'locals/a.b_c-1');
  assert.equal(revisionLogFileRevision(FILES.log), undefined);
  assert.equal(progressFileRevision('pvcontrol-ls.json'), undefined);
  for (const f of ['progress-0.json', 'pantavisor-locals+x.log', UPDATE_FILES.logsCurrent]) assert.ok(isUpdateFile(f), f);
  for (const f of [FILES.log, FILES.lxcLs, EXTRA_FILES.pvcontrol, 'ping-a-b.txt']) assert.ok(!isUpdateFile(f), f);
});

test("the command of each update file, from the file name (STORAGE_PATH given, or LOG_FILE's)", () => {
  assert.equal(optionalCommand('progress-locals+add-client.json', PATHS), 'pvcontrol steps show-progress locals/add-client');
  assert.equal(optionalCommand('pantavisor-locals+add-client.log', PATHS), 'cat /var/pantavisor/storage/logs/locals/add-client/pantavisor/pantavisor.log');
  assert.equal(optionalCommand(UPDATE_FILES.logsCurrent, PATHS), 'readlink /var/pantavisor/storage/logs/current');
  assert.equal(optionalCommand('iptables-nat.txt', PATHS), 'iptables -t nat -S');
  assert.equal(optionalCommand(FILES.lxcLs, PATHS), undefined);
  assert.equal(optionalCommand(FILES.log, PATHS), undefined);
  // STORAGE_PATH wins; a path with a space is one quoted word
  const other = { ...PATHS, storagePath: "/data/pv stor'age/" };
  assert.equal(storageOf(other), "/data/pv stor'age");
  assert.equal(optionalCommand(UPDATE_FILES.logsCurrent, other), `readlink "/data/pv stor'age/logs/current"`);
  assert.equal(revisionLogPath({ logFile: '/storage/logs/0/pantavisor/pantavisor.log' }, 'locals/x'), '/storage/logs/locals/x/pantavisor/pantavisor.log');
  // a LOG_FILE elsewhere: the default storage
  assert.equal(storageOf({ logFile: '/tmp/pv.log' }), '/var/pantavisor/storage');
  assert.ok(isOptionalFile('progress-locals+x.json') && isOptionalFile('iptables-nat.txt') && !isOptionalFile(FILES.nft));
});

const progressCheck = { id: 'u', kind: 'update-progress', revision: 'locals/add-client', status: 'UPDATED' } as Check;

test('update files are gathered only when a check reads them; a wait asking for one gets it', () => {
  assert.deepEqual(optionalFilesFor([progressCheck]), ['progress-locals+add-client.json']);
  const plain = gatherCommands(PATHS).map(([f]) => f);
  assert.ok(!plain.some(isUpdateFile), plain.join(' '));
  const withIt = gatherCommands(PATHS, [], { optional: optionalFilesFor([progressCheck]) });
  assert.deepEqual(withIt.find(([f]) => f === 'progress-locals+add-client.json'), ['progress-locals+add-client.json', 'pvcontrol steps show-progress locals/add-client']);
  // a readiness poll on the check gathers that file only, though the scenario's list lacks it
  const script = gatherScript(PATHS, 5, [], undefined, filesFor([progressCheck]));
  assert.match(script, /timeout -k 2 5 pvcontrol steps show-progress locals\/add-client 2>\/dev\/null/);
  assert.doesNotMatch(script, /lxc-ls|nft list/);
});

/** A fake container: pvcontrol answering from the lab samples (255 for a revision it does not know), a storage dir. */
function box() {
  const root = mkdtempSync(join(tmpdir(), 'update-files-'));
  roots.push(root);
  const bin = join(root, 'bin');
  mkdirSync(bin);
  const storage = join(root, 'stor age');
  mkdirSync(join(storage, 'logs/locals/add-client/pantavisor'), { recursive: true });
  mkdirSync(join(storage, 'logs/0/pantavisor'), { recursive: true });
  writeFileSync(join(storage, 'logs/locals/add-client/pantavisor/pantavisor.log'), sample('pantavisor-locals+add-client.log'));
  writeFileSync(join(storage, 'logs/0/pantavisor/pantavisor.log'), '');
  symlinkSync('locals/add-client', join(storage, 'logs/current'));
  writeFileSync(join(root, 'updated.json'), sample('progress-UPDATED.json'));
  writeFileSync(
    join(bin, 'pvcontrol'),
    `#!/bin/sh
[ "$1 $2" = "steps show-progress" ] || exit 99
case "$3" in
locals/add-client) cat '${join(root, 'updated.json')}' ;;
locals/broken) echo 'curl: (7) Failed to connect'; exit 0 ;;
*) echo '{"Error":"Resource does not exist"}' >&2; exit 255 ;;
esac
`,
  );
  chmodSync(join(bin, 'pvcontrol'), 0o755);
  return { root, bin, storage };
}

test('a real sh run of the gather script: the update files, exit 255 and a log that is not there yet', () => {
  const b = box();
  const paths = { ...PATHS, storagePath: b.storage };
  const want = [
    'progress-locals+add-client.json',
    'progress-locals+gone.json',
    'progress-locals+broken.json',
    'pantavisor-locals+add-client.log',
    'pantavisor-locals+gone.log',
    UPDATE_FILES.logsCurrent,
  ];
  const script = gatherScript(paths, 5, [], undefined, new Set(want));
  const out = execFileSync('sh', ['-c', script], { encoding: 'utf8', env: { ...process.env, PATH: `${b.bin}:${process.env.PATH}` }, timeout: 30_000 });
  const g = parseGatherOutput(out);
  assert.equal(g.files['progress-locals+add-client.json'], sample('progress-UPDATED.json'));
  assert.equal(g.files['pantavisor-locals+add-client.log'], sample('pantavisor-locals+add-client.log'));
  assert.equal(g.files[UPDATE_FILES.logsCurrent], 'locals/add-client\n');
  assert.deepEqual([g.rc['progress-locals+gone.json'], g.rc['pantavisor-locals+gone.log'], g.rc['progress-locals+broken.json']], [255, 1, 0]);
  assert.ok(!('progress-locals+gone.json' in g.files) && !('pantavisor-locals+gone.log' in g.files));

  const st = stateFromFiles(g.files);
  assert.equal(st.progress['locals/add-client'].progress?.status, 'UPDATED');
  assert.match(st.progress['locals/gone'].notAnswering ?? '', /exited 255 \(pantavisor not answering, or no such revision\)/);
  assert.equal(st.runningRevision, 'locals/add-client');
  assert.equal(st.revisionLogs['locals/add-client'].lines.length, 78);
  assert.ok(!('locals/gone' in st.revisionLogs));
  // 255 and a log not written yet are "not yet"; output that is no progress is an ERROR
  assert.deepEqual(Object.keys(st.unreadable), ['progress-locals+broken.json']);
  assert.match(st.unreadable['progress-locals+broken.json'], /^progress-locals\+broken\.json not understood \(not JSON\): .*curl: \(7\)/);
});

test('unreadable update files: 127, 126 and timeouts are errors (for pvcontrol a timeout or 1 is pantavisor not answering); JSON without a string status is an error', () => {
  const rc = (m: Record<string, number>) => JSON.stringify(m);
  const u = unreadableEvidence({
    'exit-status.json': rc({
      'progress-locals+a.json': 127,
      'progress-locals+b.json': 124,
      'pantavisor-locals+a.log': 126,
      'logs-current.txt': 137,
      'progress-locals+c.json': 0,
      'progress-locals+d.json': 255,
      'progress-locals+e.json': 1,
    }),
    'progress-locals+c.json': '{"status":7}',
  });
  assert.deepEqual(u, {
    'progress-locals+a.json': 'progress-locals+a.json missing: command not found (exit 127)',
    'pantavisor-locals+a.log': 'pantavisor-locals+a.log missing: command not executable (exit 126)',
    'logs-current.txt': 'logs-current.txt missing: killed by its timeout (CMD_TIMEOUT), exit 137',
    'progress-locals+c.json': 'progress-locals+c.json not understood ("status" is a number, not a string: 7): "{\\"status\\":7}"',
  });
  // a bundle without exit-status.json: judged on the text alone
  assert.deepEqual(unreadableEvidence({ 'progress-0.json': sample('progress-0.json'), 'logs-current.txt': '0\n' }), {});
  assert.match(unreadableEvidence({ 'logs-current.txt': '\n' })['logs-current.txt'], /not a revision path/);
});

test('offline: stateFromFiles exposes the update files parsed (lab samples)', () => {
  const st = stateFromFiles({
    [progressFileName('0')]: sample('progress-0.json'),
    [progressFileName('locals/add-client')]: sample('progress-UPDATED.json'),
    [progressFileName('locals/bad-pool')]: sample('progress-ERROR.json'),
    [revisionLogFileName('locals/bad-pool')]: sample('pantavisor-locals+bad-pool.log'),
    [UPDATE_FILES.logsCurrent]: sample('logs-current-0.txt'),
  });
  assert.deepEqual(st.unreadable, {});
  assert.equal(describeProgress(st.progress['0'].progress!), 'DONE "Factory revision" (progress 100)');
  assert.equal(describeProgress(st.progress['locals/add-client'].progress!), 'UPDATED "Update finished, revision not set as rollback point" (progress 100)');
  assert.equal(st.progress['locals/bad-pool'].progress?.statusMsg, 'A container could not be started');
  assert.equal(st.runningRevision, '0');
  assert.ok(
    st.revisionLogs['locals/bad-pool'].lines.some((l) =>
      l.message === "(pv_platform_start:1242) platform 'pv-example-ipam-nopool' references unknown pool 'does-not-exist', refusing to start" ||
      l.message.includes("references unknown pool 'does-not-exist'")
    ),
  );
  // a bundle of a scenario without updates has none
  const plain = stateFromFiles({ [FILES.lxcLs]: '' });
  assert.deepEqual([plain.progress, plain.revisionLogs, plain.runningRevision], [{}, {}, undefined]);
});

test('progress JSON: the lab samples and observed §11 (verbatim)', () => {
  const p = (t: string) => {
    const r = parseProgress(t);
    assert.ok('progress' in r, t);
    return r.progress;
  };
  assert.deepEqual(p(sample('progress-NEW.json')), { status: 'NEW', statusMsg: 'Update ready to be run', progress: 0, retries: 0, logsText: '' });
  assert.equal(p(sample('progress-TESTING.json')).statusMsg, 'Awaiting to see if update is stable');
  // observed §11.2, the progress pantavisor reported in its log
  assert.deepEqual(p('{"status":"ERROR","status-msg":"A container could not be started","progress":100,"retries":0}'), {
    status: 'ERROR',
    statusMsg: 'A container could not be started',
    progress: 100,
    retries: 0,
    logsText: '',
  });
  const logs = parseProgressLogs(p(sample('progress-ERROR.json')).logsText);
  assert.ok('entries' in logs);
  assert.deepEqual(logs.entries.map((e) => `${e.level} ${e.source}`), ['ERROR parser-system1', 'ERROR platforms', 'ERROR platforms', 'ERROR state', 'ERROR controller']);
  assert.equal(logs.entries[0].message, "failed to add pool 'internal'");
  assert.equal(logs.entries[0].tsec, 22753);
  // observed §11.1 quotes the logs with an elision ("...") : not JSON, and said so
  const elided = parseProgressLogs(`{"tsec":962,...,"lvl":"ERROR","src":"parser-system1","msg":"failed to add pool 'internal'"}\n`);
  assert.ok('problem' in elided && /^logs line 1 is not a JSON object/.test(elided.problem));
  for (const [t, why] of [['', 'not JSON'], ['[]', 'not a JSON object'], ['{"Error":"Resource does not exist"}', 'no string "status"']]) {
    assert.deepEqual(parseProgress(t), { problem: why }, t);
  }
});

test('logs/current: the lab writes the revision; an absolute or relative target gives its revision', () => {
  assert.equal(revisionOfLink(sample('logs-current-0.txt')), '0');
  assert.equal(revisionOfLink(sample('logs-current-add-client.txt')), 'locals/add-client');
  assert.equal(revisionOfLink('/var/pantavisor/storage/logs/locals/add-client\n'), 'locals/add-client');
  assert.equal(revisionOfLink('../logs/0'), '0');
  assert.equal(revisionOfLink('/storage/logs/1/'), '1');
  for (const bad of ['', '\n', 'a\nb', '/', '..']) assert.equal(revisionOfLink(bad), undefined, JSON.stringify(bad));
});

test("preflight asks the image for the update files' programs when a check reads them", async () => {
  const { scenarioTools } = await import('../lib/run/preflight.ts');
  const scenario = {
    id: 'u',
    title: 'u',
    artifacts: [],
    steps: [{ id: 'boot', waitFor: [progressCheck], checks: [{ id: 'r', kind: 'running-revision', equals: '0' } as Check] }],
  } as unknown as Parameters<typeof scenarioTools>[0];
  const need = scenarioTools(scenario, PATHS);
  assert.match(need.get('pvcontrol') ?? '', /progress-locals\+add-client\.json: pvcontrol steps show-progress locals\/add-client/);
  assert.match(need.get('readlink') ?? '', /logs-current\.txt: readlink/);
});

test('progress JSON of another shape is not understood, the value quoted: never read as absent', () => {
  const base = { status: 'UPDATED', 'status-msg': 'Update finished', progress: 100, retries: 0, logs: '' };
  const why = (over: Record<string, unknown>) => {
    const r = parseProgress(JSON.stringify({ ...base, ...over }));
    return 'problem' in r ? r.problem : 'understood';
  };
  assert.equal(why({}), 'understood');
  assert.equal(why({ logs: ['{"lvl":"ERROR"}'] }), '"logs" is an array, not a string: ["{\\"lvl\\":\\"ERROR\\"}"]');
  assert.equal(why({ logs: { lvl: 'ERROR' } }), '"logs" is an object, not a string: {"lvl":"ERROR"}');
  assert.equal(why({ logs: 3 }), '"logs" is a number, not a string: 3');
  assert.equal(why({ logs: null }), '"logs" is null, not a string: null');
  assert.equal(why({ status: 7 }), '"status" is a number, not a string: 7');
  assert.equal(why({ status: 'FINISHED' }), '"status" is not a status pantavisor prints: "FINISHED"');
  assert.equal(why({ 'status-msg': false }), '"status-msg" is a boolean, not a string: false');
  assert.equal(why({ progress: '100' }), '"progress" is a string, not an integer: "100"');
  assert.equal(why({ progress: 101 }), '"progress" is out of range 0..100: 101');
  assert.equal(why({ progress: 99.5 }), '"progress" is a number, not an integer: 99.5');
  assert.equal(why({ retries: -1 }), '"retries" is out of range 0..9007199254740991: -1');
  // absent fields are fine (observed §11.2 prints no logs); unknown ones are not read
  assert.ok('progress' in parseProgress('{"status":"NEW","downloads":{"total":{}}}'));
});

test('progress logs: an entry of another shape is not understood, quoted', () => {
  const why = (line: string) => {
    const r = parseProgressLogs(line + '\n');
    return 'problem' in r ? r.problem : 'understood';
  };
  assert.equal(why('{"tsec":1,"lvl":"ERROR","src":"parser-system1","msg":"failed"}'), 'understood');
  assert.equal(why('{"lvl":["ERROR"],"msg":"x"}'), 'logs line 1: "lvl" is an array, not a string: ["ERROR"]');
  assert.equal(why('{"lvl":"ERR","msg":"x"}'), 'logs line 1: "lvl" is not a level pantavisor logs: "ERR"');
  assert.equal(why('{"lvl":"ERROR","msg":{"text":"x"}}'), 'logs line 1: "msg" is an object, not a string: {"text":"x"}');
  assert.equal(why('{"lvl":"ERROR","src":1,"msg":"x"}'), 'logs line 1: "src" is a number, not a string: 1');
  assert.equal(why('{"tsec":"962","lvl":"ERROR"}'), 'logs line 1: "tsec" is a string, not an integer: "962"');
});
