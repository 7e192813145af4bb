/**
 * lib/ has no import circle, type-only imports included: each module can be read (and tested)
 * without the ones that use it. Reads the import/export-from lines of every lib/ file.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const lib = join(root, 'lib');

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? files(p) : f.endsWith('.ts') ? [p] : [];
  });
}

/** The lib/ files a file imports (relative specifiers only), as paths relative to the repo. */
export function importsOf(file: string, text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/^\s*(?:import|export)\b[^;'"]*?\bfrom\s*['"](\.{1,2}\/[^'"]+)['"]/gm)) {
    out.push(relative(root, normalize(join(dirname(file), m[1]))));
  }
  return out;
}

/** The first import circle found, as the files around it, or undefined. */
export function findCircle(graph: Map<string, string[]>): string[] | undefined {
  const state = new Map<string, 'open' | 'done'>();
  const path: string[] = [];
  const visit = (n: string): string[] | undefined => {
    if (state.get(n) === 'done') return undefined;
    if (state.get(n) === 'open') return [...path.slice(path.indexOf(n)), n];
    state.set(n, 'open');
    path.push(n);
    for (const m of graph.get(n) ?? []) {
      const c = visit(m);
      if (c) return c;
    }
    path.pop();
    state.set(n, 'done');
    return undefined;
  };
  for (const n of [...graph.keys()].sort()) {
    const c = visit(n);
    if (c) return c;
  }
  return undefined;
}

test('findCircle finds a circle and passes a tree', () => {
  assert.deepEqual(findCircle(new Map([['a', ['b']], ['b', ['c']], ['c', ['a']]])), ['a', 'b', 'c', 'a']);
  assert.equal(findCircle(new Map([['a', ['b', 'c']], ['b', ['c']], ['c', []]])), undefined);
  assert.deepEqual(importsOf(join(lib, 'x.ts'), "import type { A } from './checks/a.ts';\nexport { b } from '../b.ts';\nimport x from 'ajv';"), ['lib/checks/a.ts', 'b.ts']);
});

test('lib/ has no import circle (type-only imports included)', () => {
  const graph = new Map<string, string[]>();
  for (const f of files(lib)) graph.set(relative(root, f), importsOf(f, readFileSync(f, 'utf8')).filter((p) => p.startsWith('lib/')));
  const circle = findCircle(graph);
  assert.equal(circle, undefined, `import circle: ${circle?.join(' -> ')}`);
});

/**
 * The rooms of docs/architecture.md and what each may import (relative imports, type-only ones
 * included). A rule names a room by path prefix; `may` lists the prefixes it may import besides
 * its own room.
 */
export const IMPORT_RULES: { room: string; may: string[]; why: string }[] = [
  { room: 'lib/parse/', may: ['lib/ip.ts', 'lib/source-match.ts'], why: 'a parser reads text into typed values and needs nothing of the engine' },
  {
    room: 'lib/evidence/',
    // lib/log-match.ts: a log pattern's type, for the grep a user types; lib/target/driver.ts: the UserLines type
    may: ['lib/parse/', 'lib/shell-quote.ts', 'lib/log-match.ts', 'lib/target/driver.ts'],
    why: 'an evidence source says what is gathered and how it is read: it never judges (checks) or runs (run, scripts)',
  },
  {
    room: 'lib/checks/',
    // lib/target/registry.ts: only for the line a user types to see a check's evidence (the driver's userLine)
    may: ['lib/bundle.ts', 'lib/evidence/', 'lib/log-match.ts', 'lib/shell-quote.ts', 'lib/ip.ts', 'lib/source-match.ts', 'lib/parse/', 'lib/target/registry.ts'],
    why: 'a check kind judges a gathered state: it never runs, gathers, polls or reports',
  },
  {
    room: 'lib/report/',
    may: [
      'lib/evaluate.ts',
      'lib/verdict.ts',
      'lib/scenarios.ts',
      'lib/errors.ts',
      'lib/did-not-boot.ts',
      'lib/capabilities.ts',
      'lib/statuses.ts',
      'lib/parse/json-bounded.ts',
      'lib/checks/kind.ts',
      'lib/checks/types.ts',
    ],
    why: 'a renderer turns a finished RunReport into text: it never judges or gathers',
  },
  { room: 'lib/', may: ['lib/'], why: 'lib/ is the engine and its pure functions: it never imports an entry script, a test or the single-file build' },
];

/** The imports of `file` that break a rule: [import, why]. */
export function brokenRules(file: string, imports: string[]): [string, string][] {
  const rule = IMPORT_RULES.find((r) => file.startsWith(r.room));
  if (!rule) return [];
  return imports.filter((i) => !i.startsWith(rule.room) && !rule.may.some((m) => i === m || (m.endsWith('/') && i.startsWith(m)))).map((i) => [i, rule.why]);
}

test('the import rules catch an import that crosses a room', () => {
  assert.deepEqual(brokenRules('lib/verdict.ts', ['scripts/shared/common.ts']).map(([i]) => i), ['scripts/shared/common.ts']);
  assert.deepEqual(brokenRules('lib/checks/ping-loss.ts', ['lib/gather.ts', 'lib/bundle.ts']).map(([i]) => i), ['lib/gather.ts']);
  assert.deepEqual(brokenRules('lib/parse/lxc-ls.ts', ['lib/checks/kind.ts', 'lib/parse/lines.ts']).map(([i]) => i), ['lib/checks/kind.ts']);
  assert.deepEqual(brokenRules('lib/report/junit.ts', ['lib/gather.ts']).map(([i]) => i), ['lib/gather.ts']);
  assert.deepEqual(brokenRules('lib/evidence/lxc-ls.ts', ['lib/checks/index.ts', 'lib/run/gather.ts', 'lib/bundle.ts', 'lib/parse/lxc-ls.ts']).map(([i]) => i), [
    'lib/checks/index.ts',
    'lib/run/gather.ts',
    'lib/bundle.ts',
  ]);
  assert.deepEqual(brokenRules('lib/checks/ping-loss.ts', ['lib/evidence/ping.ts']), [], 'a check kind may read an evidence source');
  assert.deepEqual(brokenRules('scripts/test.ts', ['scripts/down.ts']), [], 'scripts/ has no rule here yet');
});

test("every lib/ module keeps to its room's imports (docs/architecture.md)", () => {
  const broken = files(lib).flatMap((f) => brokenRules(relative(root, f), importsOf(f, readFileSync(f, 'utf8'))).map(([i, why]) => `${relative(root, f)} imports ${i}: ${why}`));
  assert.deepEqual(broken, []);
});
