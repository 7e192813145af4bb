/**
 * The evidence-source registry (lib/evidence/index.ts): every source module is registered once,
 * named as its file; each file name leads back to its source; gathering, the bundle's file names
 * and the parsed state are the registry's (a source added as a module and its line reaches them).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { requiredFiles, sourceOfFile, SOURCES, sourcesGathered, unreadableEvidence } from '../lib/evidence/index.ts';
import { type EvidenceSource, fileOf, paramOf, valueOf } from '../lib/evidence/source.ts';
import { EXTRA_FILES, FILES, OPTIONAL_FILES, progressFileName, stateFromFiles, UPDATE_FILES } from '../lib/bundle/bundle.ts';
import { gatherCommands, isOptionalFile, optionalCommand } from '../lib/bundle/gather.ts';
import { LXC_LS } from '../lib/evidence/lxc-ls.ts';
import { PROGRESS } from '../lib/evidence/progress.ts';

/** Modules of lib/evidence/ that are not a source. */
const NOT_SOURCES = ['index.ts', 'source.ts', 'storage.ts', 'user-lines.ts', 'exit-status.ts'];
const PATHS = { deviceJsonFile: '/trails/current/device.json', logFile: '/storage/logs/0/pantavisor/pantavisor.log', appengineOut: '/tmp/pv-appengine.out' };

test('every module in lib/evidence/ exports one source, registered once and named as its file', async () => {
  const modules = readdirSync(new URL('../lib/evidence/', import.meta.url)).filter((f) => f.endsWith('.ts') && !NOT_SOURCES.includes(f));
  assert.deepEqual(modules.map((f) => f.replace(/\.ts$/, '')).sort(), SOURCES.map((s) => s.name).sort());
  for (const f of modules) {
    const exported = Object.values(await import(`../lib/evidence/${f}`)).filter((v): v is EvidenceSource => typeof v === 'object' && v !== null && 'read' in v && 'command' in v);
    assert.equal(exported.length, 1, `lib/evidence/${f} exports one source`);
    assert.equal(exported[0].name, f.replace(/\.ts$/, ''));
    assert.ok(SOURCES.includes(exported[0]), `lib/evidence/${f} is in the registry`);
  }
});

test("each source's file leads back to it, a revision's through its name", () => {
  const fixed = SOURCES.filter((s) => typeof s.file === 'string').map((s) => fileOf(s));
  assert.equal(new Set(fixed).size, fixed.length, 'no two sources write one file');
  for (const s of SOURCES) {
    if (s.gathered === 'per-ping') continue;
    for (const rev of typeof s.file === 'string' ? [''] : ['locals/x', '7']) {
      const file = fileOf(s, rev);
      assert.deepEqual(sourceOfFile(file), { source: s, param: rev }, file);
      assert.equal(paramOf(s, file), rev);
    }
  }
  assert.equal(progressFileName('locals/x'), 'progress-locals+x.json');
  assert.equal(sourceOfFile('meta.json'), undefined);
  assert.equal(sourceOfFile('ping-a-b.txt'), undefined, "a ping's pair is the step's, not its name's");
});

test("bundle.ts's names and gather.ts's commands are the registry's", () => {
  assert.deepEqual(Object.values(FILES), requiredFiles());
  assert.deepEqual(requiredFiles(), sourcesGathered('always').map((s) => fileOf(s)));
  // the names bundle.ts keeps for its importers are `when-read` sources' (a new source needs no name there)
  for (const f of [...Object.values(OPTIONAL_FILES), ...Object.values(UPDATE_FILES)]) assert.equal(sourceOfFile(f)?.source.gathered, 'when-read', f);
  assert.deepEqual([EXTRA_FILES.pvcontrol, EXTRA_FILES.appengineOut], sourcesGathered('capture').map((s) => fileOf(s)));
  const optional = [OPTIONAL_FILES.iptablesNat, progressFileName('locals/x')];
  const cmds = gatherCommands(PATHS, [{ from: 'a', to: 'b' }], { optional });
  assert.deepEqual(cmds.map(([f]) => f), [...requiredFiles(), ...optional, EXTRA_FILES.pvcontrol, EXTRA_FILES.appengineOut, 'ping-a-b.txt']);
  for (const [file, cmd] of cmds) {
    const of = sourceOfFile(file);
    if (of) assert.equal(cmd, of.source.command(PATHS, of.param), file);
  }
  for (const s of sourcesGathered('when-read')) {
    const file = fileOf(s, 'locals/x');
    assert.ok(isOptionalFile(file), file);
    assert.equal(optionalCommand(file, PATHS), s.command({ ...PATHS }, typeof s.file === 'string' ? '' : 'locals/x'));
  }
  for (const f of requiredFiles()) assert.ok(!isOptionalFile(f), f);
});

test("a source's readability: a non-zero exit, a 'not yet' status and a text its parser does not recognise", () => {
  const statuses = (rc: Record<string, number>) => JSON.stringify(rc);
  assert.match(unreadableEvidence({ 'exit-status.json': statuses({ [fileOf(LXC_LS)]: 127 }) })[fileOf(LXC_LS)], /missing: command not found/);
  const progress = fileOf(PROGRESS, 'locals/x');
  for (const code of [255, 1, 124]) assert.deepEqual(unreadableEvidence({ 'exit-status.json': statuses({ [progress]: code }) }), {}, `pvcontrol ${code}: not yet`);
  assert.match(unreadableEvidence({ 'exit-status.json': statuses({ [progress]: 2 }) })[progress], /its command exited 2/);
  assert.match(unreadableEvidence({ [progress]: 'not json' })[progress], /not understood/);
  // device.json's exit status is not judged, only its text
  assert.deepEqual(unreadableEvidence({ 'device.json': '{}', 'exit-status.json': statuses({ 'device.json': 1 }) }), {});
  assert.match(unreadableEvidence({ 'device.json': '[1]' })['device.json'], /not understood \(not a JSON object/);
});

test('valueOf reads a source of a step once, as stateFromFiles does', () => {
  const text = 'NAME STATE AUTOSTART GROUPS IPV4 IPV6 UNPRIVILEGED \npv-a RUNNING 0 - 10.0.5.2 - false \n';
  const state = stateFromFiles({ [fileOf(LXC_LS)]: text });
  assert.deepEqual(valueOf(state, LXC_LS), state.lxc);
  assert.equal(valueOf(state, LXC_LS), valueOf(state, LXC_LS), 'parsed once per files object');
  assert.equal(valueOf(state, PROGRESS, 'locals/x'), undefined, 'an absent file has no value');
});
