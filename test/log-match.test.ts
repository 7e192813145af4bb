import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parsePvLog, type PvLogLine } from '../lib/parse/pv-log.ts';
import { countSatisfied, describeCount, describePattern, findLines, lineMatches, type LogPattern, orderedSubsequence, shortLine } from '../lib/log-match.ts';

const sample = (path: string) => readFileSync(new URL(`./samples/${path}`, import.meta.url), 'utf8');

const LOG = [
  '[pantavisor] 1456 INFO\t -- [ipam]: (pv_ipam_init:58) IPAM subsystem initialized',
  "[pantavisor] 1456 DEBUG\t -- [parser-system1]: platform 'a' network: pool=internal",
  '[pantavisor] 1462 INFO\t -- [ipam]: (pv_ipam_allocate:309) allocated 10.0.5.2/24 to a from pool internal',
  "[pantavisor] 1462 ERROR\t -- [platforms]: (pv_platform_start:1259) failed to reserve static IP 1.2.3.4 for platform 'a'",
  '[pantavisor] 1462 INFO\t -- [ipam]: (pv_ipam_allocate:309) allocated 10.0.5.3/24 to b from pool internal',
].join('\n') + '\n';
const lines = parsePvLog(LOG).lines;
const [init, parser, allocA, err, allocB] = lines;

test('the hand-written log parses into five lines', () => {
  assert.equal(lines.length, 5);
  assert.equal(parser.function, undefined);
  assert.equal(allocA.function, 'pv_ipam_allocate');
});

test('lineMatches: an empty pattern matches any line', () => {
  for (const l of lines) assert.equal(lineMatches(l, {}), true);
});

test('lineMatches: level', () => {
  assert.equal(lineMatches(err, { level: 'ERROR' }), true);
  assert.equal(lineMatches(init, { level: 'ERROR' }), false);
  // exact, not a prefix or case-insensitive
  assert.equal(lineMatches(err, { level: 'error' }), false);
});

test('lineMatches: module', () => {
  assert.equal(lineMatches(init, { module: 'ipam' }), true);
  assert.equal(lineMatches(err, { module: 'ipam' }), false);
  assert.equal(lineMatches(parser, { module: 'parser' }), false);
  assert.equal(lineMatches(parser, { module: 'parser-system1' }), true);
});

test('lineMatches: function', () => {
  assert.equal(lineMatches(allocA, { function: 'pv_ipam_allocate' }), true);
  assert.equal(lineMatches(init, { function: 'pv_ipam_allocate' }), false);
  // a line without a function never matches a function pattern
  assert.equal(lineMatches(parser, { function: 'pv_ipam_allocate' }), false);
});

test('lineMatches: text is a literal substring of the message only', () => {
  assert.equal(lineMatches(allocA, { text: 'allocated 10.0.5.2/24' }), true);
  assert.equal(lineMatches(allocA, { text: 'allocated 10.0.5.3/24' }), false);
  // regex metacharacters in text are literal
  assert.equal(lineMatches(allocA, { text: 'allocated 10.0.5.' }), true);
  assert.equal(lineMatches(allocA, { text: 'allocated 10x0' }), false);
  assert.equal(lineMatches(allocA, { text: 'allocated 10.0.5.\\d+' }), false);
  // the prefix "(function:line)" and the header are not part of the message
  assert.equal(lineMatches(allocA, { text: 'pv_ipam_allocate:309' }), false);
  assert.equal(lineMatches(allocA, { text: '[ipam]' }), false);
});

test('lineMatches: regex against the message, unanchored unless anchored', () => {
  assert.equal(lineMatches(allocA, { regex: '10\\.0\\.5\\.\\d+/24' }), true);
  assert.equal(lineMatches(allocA, { regex: '^allocated 10\\.0\\.5\\.\\d+/24 to a from pool internal$' }), true);
  assert.equal(lineMatches(allocB, { regex: '^allocated 10\\.0\\.5\\.\\d+/24 to a from pool internal$' }), false);
  assert.equal(lineMatches(allocA, { regex: '^10' }), false);
  // calling twice (cached RegExp) gives the same answer
  assert.equal(lineMatches(allocA, { regex: '^10' }), false);
});

test('lineMatches: all fields must hold together', () => {
  const p: LogPattern = { level: 'INFO', module: 'ipam', function: 'pv_ipam_allocate', text: 'to b', regex: 'internal$' };
  assert.equal(lineMatches(allocB, p), true);
  assert.equal(lineMatches(allocA, p), false);
  assert.equal(lineMatches(allocB, { ...p, level: 'DEBUG' }), false);
  assert.equal(lineMatches(allocB, { ...p, module: 'platforms' }), false);
  assert.equal(lineMatches(allocB, { ...p, function: 'pv_ipam_init' }), false);
  assert.equal(lineMatches(allocB, { ...p, regex: '^internal' }), false);
});

test('findLines returns the matches in log order', () => {
  assert.deepEqual(findLines(lines, { module: 'ipam', text: 'allocated' }), [allocA, allocB]);
  assert.deepEqual(findLines(lines, { text: 'nothing like this' }), []);
  assert.deepEqual(findLines([], {}), []);
});

test('countSatisfied: eq, ge, le and combinations', () => {
  assert.equal(countSatisfied(0, { eq: 0 }), true);
  assert.equal(countSatisfied(1, { eq: 0 }), false);
  assert.equal(countSatisfied(2, { eq: 2 }), true);
  assert.equal(countSatisfied(1, { ge: 1 }), true);
  assert.equal(countSatisfied(0, { ge: 1 }), false);
  assert.equal(countSatisfied(5, { ge: 1 }), true);
  assert.equal(countSatisfied(1, { le: 1 }), true);
  assert.equal(countSatisfied(2, { le: 1 }), false);
  assert.equal(countSatisfied(0, { le: 1 }), true);
  assert.equal(countSatisfied(2, { ge: 1, le: 3 }), true);
  assert.equal(countSatisfied(4, { ge: 1, le: 3 }), false);
  assert.equal(countSatisfied(0, { ge: 1, le: 3 }), false);
  assert.equal(countSatisfied(7, {}), true);
});

test('describeCount', () => {
  assert.equal(describeCount({ eq: 0 }), 'exactly 0');
  assert.equal(describeCount({ ge: 1 }), 'at least 1');
  assert.equal(describeCount({ le: 2 }), 'at most 2');
  assert.equal(describeCount({ ge: 1, le: 2 }), 'at least 1 and at most 2');
  assert.equal(describeCount({}), 'any number of');
});

test('describePattern renders the plan form', () => {
  assert.equal(describePattern({ level: 'ERROR', module: 'platforms', function: 'pv_platform_start', text: 'refusing to start' }), 'ERROR [platforms] pv_platform_start: "refusing to start"');
  assert.equal(describePattern({ module: 'ipam', regex: '^allocated' }), '[ipam] /^allocated/');
  assert.equal(describePattern({ text: 'x' }), '"x"');
  assert.equal(describePattern({ level: 'INFO' }), 'INFO (any message)');
  assert.equal(describePattern({}), '(any message)');
});

test('shortLine', () => {
  assert.equal(shortLine(allocA), '#3 INFO [ipam] pv_ipam_allocate: allocated 10.0.5.2/24 to a from pool internal');
  assert.equal(shortLine(parser), "#2 DEBUG [parser-system1] platform 'a' network: pool=internal");
});

test('orderedSubsequence: in order with other lines in between', () => {
  const r = orderedSubsequence(lines, [{ text: 'IPAM subsystem initialized' }, { text: 'to b' }]);
  assert.equal(r.ok, true);
  assert.deepEqual(r.matched, [init, allocB]);
  assert.equal(r.missingIndex, undefined);
});

test('orderedSubsequence: the same pattern twice needs two lines', () => {
  const twice = orderedSubsequence(lines, [{ text: 'allocated' }, { text: 'allocated' }]);
  assert.equal(twice.ok, true);
  assert.deepEqual(twice.matched, [allocA, allocB]);
  const thrice = orderedSubsequence(lines, [{ text: 'allocated' }, { text: 'allocated' }, { text: 'allocated' }]);
  assert.equal(thrice.ok, false);
  assert.equal(thrice.missingIndex, 2);
  assert.equal(thrice.missingOccursEarlier, true);
});

test('orderedSubsequence: wrong order reports missingOccursEarlier', () => {
  const r = orderedSubsequence(lines, [{ text: 'to b' }, { text: 'IPAM subsystem initialized' }]);
  assert.equal(r.ok, false);
  assert.equal(r.missingIndex, 1);
  assert.equal(r.missingOccursEarlier, true);
  assert.deepEqual(r.matched, [allocB]);
});

test('orderedSubsequence: a pattern missing entirely', () => {
  const r = orderedSubsequence(lines, [{ text: 'IPAM subsystem initialized' }, { text: 'never logged' }, { text: 'to b' }]);
  assert.equal(r.ok, false);
  assert.equal(r.missingIndex, 1);
  assert.equal(r.missingOccursEarlier, false);
  assert.deepEqual(r.matched, [init]);
  const first = orderedSubsequence(lines, [{ text: 'never logged' }]);
  assert.equal(first.missingIndex, 0);
  assert.deepEqual(first.matched, []);
});

test('orderedSubsequence: empty pattern list holds; empty log does not', () => {
  assert.deepEqual(orderedSubsequence(lines, []), { ok: true, matched: [] });
  const r = orderedSubsequence([], [{ text: 'x' }]);
  assert.equal(r.ok, false);
  assert.equal(r.missingOccursEarlier, false);
});

// ---- real samples ----

const refusal: LogPattern[] = [
  { level: 'ERROR', module: 'platforms', function: 'pv_platform_start', text: 'failed to reserve static IP' },
  { level: 'ERROR', module: 'platforms', text: 'failed IPAM network validation' },
  { level: 'ERROR', module: 'state', text: 'could not be started' },
  { level: 'ERROR', module: 'controller', text: 'Tearing down' },
];

test('static-ip-outside-subnet: the refusal sequence holds in order', () => {
  const log = parsePvLog(sample('static-ip-outside-subnet/pantavisor.log'));
  const r = orderedSubsequence(log.lines, refusal);
  assert.equal(r.ok, true);
  assert.equal(r.matched.length, 4);
  const nos = r.matched.map((l) => l.lineNo);
  assert.deepEqual([...nos].sort((a, b) => a - b), nos);
  assert.match(r.matched[0].message, /192\.168\.99\.100/);
  assert.match(r.matched[0].message, /refusing to start$/);
});

test('static-ip-outside-subnet: the reverse order does not hold within one boot', () => {
  const log = parsePvLog(sample('static-ip-outside-subnet/pantavisor.log'));
  // pv-appengine relaunches after each teardown (7 boots in this sample), so over the whole
  // file even the reversed sequence is a subsequence of the repeats; one boot is the unit.
  const firstTeardown = findLines(log.lines, { text: 'Tearing down' })[0];
  const firstBoot = log.lines.filter((l) => l.lineNo <= firstTeardown.lineNo);
  assert.equal(orderedSubsequence(firstBoot, refusal).ok, true);
  const r = orderedSubsequence(firstBoot, [...refusal].reverse());
  assert.equal(r.ok, false);
  assert.equal(r.missingIndex, 1);
  assert.equal(r.missingOccursEarlier, true);
  assert.deepEqual(r.matched, [firstTeardown]);
  // swapping only the last two also fails
  const swapped = orderedSubsequence(firstBoot, [refusal[0], refusal[1], refusal[3], refusal[2]]);
  assert.equal(swapped.ok, false);
  assert.equal(swapped.missingIndex, 3);
  assert.equal(swapped.missingOccursEarlier, true);
});

test('static-ip-outside-subnet: the refusal repeats on every relaunch', () => {
  const log = parsePvLog(sample('static-ip-outside-subnet/pantavisor.log'));
  assert.equal(findLines(log.lines, { level: 'ERROR', module: 'controller', text: 'Tearing down' }).length, 7);
  // over the whole file the reversed sequence is found across boots
  assert.equal(orderedSubsequence(log.lines, [...refusal].reverse()).ok, true);
});

test('static-ip-outside-subnet: no allocation; ipam ERRORs all say the IP is not in the subnet', () => {
  const log = parsePvLog(sample('static-ip-outside-subnet/pantavisor.log'));
  assert.equal(findLines(log.lines, { module: 'ipam', text: 'allocated' }).length, 0);
  const ipamErrors = findLines(log.lines, { level: 'ERROR', module: 'ipam' });
  assert.equal(ipamErrors.length, 7);
  for (const l of ipamErrors) assert.equal(l.message, "IP 192.168.99.100 not in pool 'internal' subnet");
});

test('two-containers-one-pool: allocations, pool and bridge lines', () => {
  const log = parsePvLog(sample('two-containers-one-pool/pantavisor.log'));
  const allocated = findLines(log.lines, {
    level: 'INFO',
    module: 'ipam',
    function: 'pv_ipam_allocate',
    regex: '^allocated 10\\.0\\.5\\.\\d+/24 to pv-example-net-(client|server) from pool internal$',
  });
  assert.equal(allocated.length, 2);
  assert.ok(countSatisfied(allocated.length, { eq: 2 }));
  assert.equal(findLines(log.lines, { module: 'ipam', function: 'pv_ipam_add_pool', text: "added pool 'internal'" }).length, 1);
  const ordered = orderedSubsequence(log.lines, [
    { module: 'ipam', text: 'IPAM subsystem initialized' },
    { module: 'ipam', text: "added pool 'internal'" },
    { module: 'ipam', function: 'setup_bridge', text: 'created bridge pvbr0 with IP 10.0.5.1/24' },
    { module: 'ipam', text: 'allocated 10.0.5.2/24 to pv-example-net-client' },
    { module: 'ipam', text: 'allocated 10.0.5.3/24 to pv-example-net-server' },
  ]);
  assert.equal(ordered.ok, true);
  assert.equal(findLines(log.lines, { level: 'ERROR', module: 'ipam' }).length, 0);
});

test('lines of the real log keep their file line numbers', () => {
  const text = sample('two-containers-one-pool/pantavisor.log');
  const log = parsePvLog(text);
  const [alloc] = findLines(log.lines, { text: 'allocated 10.0.5.2/24' });
  const fileLines = text.split('\n');
  assert.equal(fileLines[alloc.lineNo - 1], alloc.raw);
  assert.ok(shortLine(alloc as PvLogLine).startsWith(`#${alloc.lineNo} INFO [ipam] pv_ipam_allocate: allocated`));
});

test("regexRisk refuses the patterns that backtrack catastrophically, and none of the plan's", async () => {
  const { regexRisk } = await import('../lib/log-match.ts');
  for (const bad of ['(a+)+$', '^(.*)*x', '(a|ab)*c', '(\\w+\\s?){2,}$', '((ab)*)+', '(?:a*){3}', '(x+x+)+y', 'a'.repeat(1001)]) {
    assert.ok(regexRisk(bad), bad);
  }
  for (
    const ok of [
      '^allocated 10\\.0\\.5\\.\\d+/24 to x$',
      '^(allocated|reserved) .*nopool',
      '^setup NAT \\(\\w+\\) for pool lab$',
      '[(a+)+]',
      '\\(a+\\)+',
      '(ab)+',
      '(a+)?',
      '(a|b){1}',
      '(?:\\d+\\.){1}',
    ]
  ) {
    assert.equal(regexRisk(ok), undefined, ok);
  }
});

test('a plan with a catastrophic regex is refused at load, one line; a long message is matched on its first 1024 characters', async () => {
  const { readFileSync } = await import('node:fs');
  const { parsePlan } = await import('../lib/plan/scenarios.ts');
  const { lineMatches } = await import('../lib/log-match.ts');
  const root = new URL('../', import.meta.url);
  const plan = JSON.parse(readFileSync(new URL('scenarios.json', root), 'utf8'));
  plan.scenarios[0].steps[0].checks.find((c: { line?: { regex?: string } }) => c.line?.regex).line.regex = '^(a+)+$';
  assert.throws(
    () => parsePlan(JSON.stringify(plan), readFileSync(new URL('scenarios.schema.json', root), 'utf8')),
    /^\w*Error: scenarios\.json\/scenarios\/0\/steps\/0\/checks\/\d+\/line\/regex: \/\^\(a\+\)\+\$\/: a repeated group holds a quantifier/,
  );
  const t0 = performance.now();
  const line = { lineNo: 1, raw: '', platform: 'pantavisor', time: 1, level: 'INFO', module: 'm', function: 'f', message: 'a'.repeat(100_000) + '!' } as PvLogLine;
  assert.equal(lineMatches(line, { regex: 'a*a*!' }), false);
  assert.ok(performance.now() - t0 < 5000);
});
