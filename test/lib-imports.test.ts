/**
 * The import rules of docs/architecture.md, type-only imports included: lib/ and scripts/ have
 * no import circle (each module can be read, and tested, without the ones that use it); lib/
 * never imports scripts/; no module under scripts/ is imported by anything (lib/, scripts/,
 * test/: an entry point is run, never used as a library), the single file's bundle entry
 * excepted; and each room of lib/ imports only what its rule allows. Reads the
 * import/export-from lines (and `import 'x'`, `import('x')`) of every file.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const lib = join(root, 'lib');
const scripts = join(root, 'scripts');
const tests = join(root, 'test');

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? files(p) : f.endsWith('.ts') ? [p] : [];
  });
}

/** The files a file imports (relative specifiers only), as paths relative to the repo. */
export function importsOf(file: string, text: string): string[] {
  const out: string[] = [];
  const specifiers = [
    ...text.matchAll(/^\s*(?:import|export)\b[^;'"]*?\bfrom\s*['"](\.{1,2}\/[^'"]+)['"]/gm),
    // a module imported for its effect (`import './verb.ts'`) or at run time (`await import('../x.ts')`)
    ...text.matchAll(/^\s*import\s*['"](\.{1,2}\/[^'"]+)['"]/gm),
    ...text.matchAll(/\bimport\(\s*['"](\.{1,2}\/[^'"]+)['"]\s*\)/g),
  ];
  for (const m of specifiers) out.push(relative(root, normalize(join(dirname(file), m[1]))));
  return out;
}

/** Every .ts file under the folders, with what it imports. */
function importGraph(...dirs: string[]): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const f of dirs.flatMap(files)) graph.set(relative(root, f), importsOf(f, readFileSync(f, 'utf8')));
  return graph;
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
  assert.deepEqual(importsOf(join(scripts, 'dist/e.ts'), "import './verb.ts';\nconst m = await import('../../lib/x.ts');"), ['scripts/dist/verb.ts', 'lib/x.ts']);
});

test('lib/ and scripts/ have no import circle (type-only imports included)', () => {
  const graph = importGraph(lib, scripts);
  const circle = findCircle(graph);
  assert.equal(circle, undefined, `import circle: ${circle?.join(' -> ')}`);
});

/**
 * scripts/ holds entry points: run (make, deno tasks, the single file's verb), never imported.
 * The one exception is the single file's bundle entry, which imports what it carries: the
 * entry points its verbs run and its command line (scripts/dist/verb.ts).
 */
export const BUNDLE_ENTRY = 'scripts/dist/entry.ts';

/** The imports of a script by another module: [importer, imported]. */
export function importedScripts(graph: Map<string, string[]>): [string, string][] {
  return [...graph].flatMap(([f, imports]) => (f === BUNDLE_ENTRY ? [] : imports.filter((i) => i.startsWith('scripts/')).map((i): [string, string] => [f, i])));
}

test('the script rule catches a script imported by a script, a test or lib/', () => {
  const graph = new Map([
    ['scripts/test.ts', ['lib/run/test.ts', 'scripts/down.ts']],
    ['test/x.test.ts', ['scripts/verify.ts']],
    ['lib/run/up.ts', ['scripts/stage.ts']],
    [BUNDLE_ENTRY, ['scripts/test.ts']],
  ]);
  assert.deepEqual(importedScripts(graph), [['scripts/test.ts', 'scripts/down.ts'], ['test/x.test.ts', 'scripts/verify.ts'], ['lib/run/up.ts', 'scripts/stage.ts']]);
});

test('no module under scripts/ is imported by another module (lib/, scripts/, test/), the bundle entry excepted', () => {
  const broken = importedScripts(importGraph(lib, scripts, tests)).map(([f, i]) => `${f} imports ${i}`);
  assert.deepEqual(broken, [], 'an entry script is a thin entry point: what another module needs of it belongs in lib/ (lib/run/ for the engine)');
});

test('lib/ never imports scripts/', () => {
  const broken = [...importGraph(lib)].flatMap(([f, imports]) => imports.filter((i) => !i.startsWith('lib/')).map((i) => `${f} imports ${i}`));
  assert.deepEqual(broken, []);
});

/**
 * The rooms of docs/architecture.md and what each may import (relative imports, type-only ones
 * included). A rule names a room by path prefix; `may` lists the prefixes it may import besides
 * its own room.
 */
export const IMPORT_RULES: { room: string; may: string[]; why: string }[] = [
  { room: 'lib/parse/', may: ['lib/ip.ts', 'lib/source-match.ts'], why: 'a parser reads text into typed values and needs nothing of the engine' },
  {
    room: 'lib/checks/',
    // lib/target/registry.ts: only for the line a user types to see a check's evidence (the driver's userLine)
    may: ['lib/bundle.ts', 'lib/evidence.ts', 'lib/log-match.ts', 'lib/shell-quote.ts', 'lib/ip.ts', 'lib/source-match.ts', 'lib/parse/', 'lib/target/registry.ts'],
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
  {
    room: 'lib/target/',
    // lib/run/output.ts: a driver's lifecycle hooks echo the commands they run, as the engine does
    may: ['lib/errors.ts', 'lib/shell-quote.ts', 'lib/config.ts', 'lib/loop-devices.ts', 'lib/run/output.ts'],
    why: 'a driver reaches a target (runs a command, makes and removes it): it never stages, judges or reports',
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
  assert.deepEqual(brokenRules('lib/verdict.ts', ['scripts/up.ts']).map(([i]) => i), ['scripts/up.ts']);
  assert.deepEqual(brokenRules('lib/checks/ping-loss.ts', ['lib/gather.ts', 'lib/bundle.ts']).map(([i]) => i), ['lib/gather.ts']);
  assert.deepEqual(brokenRules('lib/parse/lxc-ls.ts', ['lib/checks/kind.ts', 'lib/parse/lines.ts']).map(([i]) => i), ['lib/checks/kind.ts']);
  assert.deepEqual(brokenRules('lib/report/junit.ts', ['lib/gather.ts']).map(([i]) => i), ['lib/gather.ts']);
  assert.deepEqual(brokenRules('lib/target/docker.ts', ['lib/run/stage.ts', 'lib/run/output.ts']).map(([i]) => i), ['lib/run/stage.ts']);
});

test("every lib/ module keeps to its room's imports (docs/architecture.md)", () => {
  const broken = files(lib).flatMap((f) => brokenRules(relative(root, f), importsOf(f, readFileSync(f, 'utf8'))).map(([i, why]) => `${relative(root, f)} imports ${i}: ${why}`));
  assert.deepEqual(broken, []);
});
