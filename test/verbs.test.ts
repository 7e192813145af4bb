import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { VERBS } from '../lib/tooling/verbs.ts';

const ROOT = new URL('../', import.meta.url).pathname;

/** The Makefile's targets: the rule lines `name:` (pattern rules `name-%:`), not variables (`:=`) nor .PHONY. */
function makefileTargets(makefile: string): string[] {
  const targets = new Set<string>();
  for (const line of makefile.split('\n')) {
    const m = /^([a-z][a-z0-9%-]*(?: [a-z][a-z0-9%-]*)*):(?!=)/.exec(line);
    if (m) { for (const t of m[1].split(' ')) targets.add(t); }
  }
  return [...targets];
}

test('the Makefile has exactly the targets of lib/tooling/verbs.ts', () => {
  const inMakefile = makefileTargets(readFileSync(`${ROOT}Makefile`, 'utf8')).sort();
  const inTable = VERBS.filter((v) => !v.byPattern).map((v) => v.target).sort();
  assert.deepEqual(inMakefile, inTable, 'a target in one and not the other: add it to both (lib/tooling/verbs.ts gives make help, deno tasks and the single file their verbs)');
});

test('each verb that names a script runs it from the Makefile, with its arguments', () => {
  const makefile = readFileSync(`${ROOT}Makefile`, 'utf8');
  for (const v of VERBS.filter((x) => x.script && !x.byPattern)) {
    const recipe = new RegExp(`^${v.target.replace('%', '%')}:[^\\n]*\\n(?:[^\\n]*\\n)?\\t@?\\$\\(RUN\\) scripts/${v.script}\\.ts${v.args && v.args !== '%' ? ` ${v.args}` : ''}$`, 'm');
    assert.match(makefile, recipe, v.target);
  }
});

test('the table names each target once, each with a one-line description', () => {
  const targets = VERBS.map((v) => v.target);
  assert.equal(new Set(targets).size, targets.length);
  for (const v of VERBS) {
    assert.ok(v.description.trim() && !v.description.includes('\n'), v.target);
    if (v.task) assert.ok(v.script, `${v.target}: a deno task runs a script`);
  }
});

test('a target the table lacks is found (the check can fail)', () => {
  assert.deepEqual(makefileTargets('X := 1\n.PHONY: a b\na b:\n\tx\nc-%: export N = $*\nc-%:\n\ty\nd:= 2\n'), ['a', 'b', 'c-%']);
});
