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
