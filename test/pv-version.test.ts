// Verdicts per version: the image's pantavisor-version.json (the contract with dev/build-image.sh),
// refs resolved against it, known issues with since/fixedIn and scenarios expected only since a
// commit (lib/pv-version.ts, lib/version-gate.ts). History: pantavisor's IPAM commits of 2026-05-04.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { contains, parseVersion, type PvVersion, versionLine } from '../lib/pv-version.ts';
import { issueApplies, scenarioForVersion } from '../lib/version-gate.ts';
import type { Scenario } from '../lib/scenarios.ts';

// git rev-list --abbrev=12 of the bundle, newest first, at e25ef924 and at 19e227ea
const AT_E25 = ['e25ef924d0b1', 'bf8359fe0c6e', '2f3c9d0a1b2c'];
const AT_19E = ['19e227ea5b8f', 'a69094a11111', '99e2fbad2310', 'a37aaa0aebc3', ...AT_E25];
const version = (commit: string, history: string[], extra: Partial<PvVersion> = {}): PvVersion => ({
  commit,
  describe: '028-rc3-1-g' + commit.slice(0, 7),
  date: '2026-05-04',
  subject: 's',
  source: 'git',
  tags: ['027'],
  history,
  ...extra,
});

test('parseVersion: the contract shape, else undefined (version unknown)', () => {
  const text = JSON.stringify({ commit: '19e227ea5b8f0000000000000000000000000000', describe: 'd', date: '2026-05-04', subject: 'feat(ipam): reserve', source: 'git', tags: ['027'], history: AT_19E });
  assert.equal(parseVersion(text)?.commit, '19e227ea5b8f0000000000000000000000000000');
  assert.equal(parseVersion(''), undefined);
  assert.equal(parseVersion('cat: /usr/share/pv-ipam-tests/pantavisor-version.json: No such file'), undefined);
  assert.equal(parseVersion(JSON.stringify({ commit: 'x', source: 'git', tags: [], history: [] })), undefined);
  assert.equal(parseVersion(JSON.stringify({ commit: 'abcdef12', source: 'svn', tags: [], history: [] })), undefined);
  assert.match(versionLine(undefined), /^version unknown/);
  assert.match(versionLine(parseVersion(text)), /^19e227ea5b8f \(d, 2026-05-04, from a git tree\) feat\(ipam\): reserve$/);
});

test('contains: a commit by the history (any abbreviation of 7+), a tag by the tags; what cannot be resolved is unknown', () => {
  const v = version('e25ef924d0b1aaaa', AT_E25);
  assert.equal(contains(v, 'bf8359fe'), 'contained');
  assert.equal(contains(v, 'e25ef924'), 'contained');
  assert.equal(contains(v, 'bf8359fe0c6e1234567890'), 'contained');
  assert.equal(contains(v, '99e2fbad'), 'not contained');
  assert.equal(contains(v, '027'), 'contained');
  assert.equal(contains(v, '029'), 'unknown');
  assert.equal(contains(undefined, 'bf8359fe'), 'unknown');
  // a tarball: its history is itself only
  const t = version('e25ef924d0b1aaaa', ['e25ef924d0b1'], { source: 'tarball', tags: [] });
  assert.equal(contains(t, 'e25ef924'), 'contained');
  assert.equal(contains(t, 'bf8359fe'), 'unknown');
});

test('issueApplies: since/fixedIn against the version; unknown applies as written, with a note', () => {
  const issue = { summary: 's', seenIn: 'x', since: 'a37aaa0a', fixedIn: '19e227ea' };
  assert.equal(issueApplies(issue, version('e25ef924d0b1', AT_E25)).applies, false);
  assert.match(issueApplies(issue, version('e25ef924d0b1', AT_E25)).note!, /appeared in a37aaa0a/);
  assert.deepEqual(issueApplies(issue, version('99e2fbad2310', AT_19E.slice(2))), { applies: true });
  assert.equal(issueApplies(issue, version('19e227ea5b8f', AT_19E)).applies, false);
  const unknown = issueApplies(issue, undefined);
  assert.equal(unknown.applies, true);
  assert.match(unknown.note!, /version unknown, applied as written/);
  assert.deepEqual(issueApplies({ summary: 's', seenIn: 'x' }, undefined), { applies: true });
});

const t8: Scenario = {
  id: '8',
  title: 'baked lxc.net refused',
  since: { ref: '99e2fbad', why: 'the LXC plugin refuses a pool container with baked lxc.net.*' },
  steps: [{ id: 'boot', checks: [{ id: 'a', kind: 'log-contains' }, { id: 'b', kind: 'log-contains', knownIssue: { summary: 'k', seenIn: 'x', fixedIn: 'e25ef924' } }] }],
} as unknown as Scenario;

test('scenarioForVersion: before its since-commit a scenario becomes a known pre-fix failure over all its checks; a fixed issue is dropped; unknown: as written', () => {
  const before = scenarioForVersion(t8, version('e25ef924d0b1', AT_E25));
  assert.deepEqual(before.scenario.knownIssue?.checks, ['a', 'b']);
  assert.match(before.scenario.knownIssue!.summary, /^not in this version: expected only since 99e2fbad/);
  assert.equal(before.scenario.steps[0].checks[1].knownIssue, undefined, 'fixed in e25ef924, which it contains');
  const after = scenarioForVersion(t8, version('19e227ea5b8f', AT_19E));
  assert.equal(after.scenario.knownIssue, undefined);
  assert.deepEqual(after.notes.filter((n) => n.startsWith('Test 8')), []);
  const unknown = scenarioForVersion(t8, undefined);
  assert.equal(unknown.scenario.knownIssue, undefined);
  assert.ok(unknown.scenario.steps[0].checks[1].knownIssue, 'applies as written');
  assert.ok(unknown.notes.some((n) => /Test 8: expected since 99e2fbad: version unknown, judged as written/.test(n)));
});

test('the report names the version: junit property, the summary line, report.json run field', async () => {
  const { toJunit } = await import('../lib/report/junit.ts');
  const { summaryLine } = await import('../lib/report/console.ts');
  const { summarize } = await import('../lib/report/model.ts');
  const { pantavisorOf } = await import('../lib/run/reporting.ts');
  const line = versionLine(version('99e2fbad2310', AT_19E.slice(2)));
  const scenarios = [{ id: '8', title: 't', status: 'passed' as const, durationMs: 1, timings: {}, waits: [], checks: [], pantavisor: line }];
  const r = {
    tool: 'pv-ipam-tests' as const,
    version: '0',
    mode: 'live' as const,
    target: { name: 'dev', label: 'dev' },
    startedAt: 'a',
    finishedAt: 'b',
    exitCode: 0,
    pantavisor: pantavisorOf(scenarios),
    summary: summarize(scenarios),
    scenarios,
  };
  assert.equal(r.pantavisor, line);
  assert.ok(toJunit(r).includes(`<property name="pantavisor" value="${line}"/>`));
  assert.match(summaryLine(r), /; pantavisor 99e2fbad2310 \(/);
  assert.equal(pantavisorOf([{ ...scenarios[0], pantavisor: undefined }]), undefined);
});
