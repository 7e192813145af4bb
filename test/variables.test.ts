import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { VARIABLES } from '../lib/tooling/variables.ts';
import { DEFAULTS, readConfig, valueOf } from '../lib/tooling/config.ts';
import { UsageError } from '../lib/tooling/errors.ts';

const ROOT = new URL('../', import.meta.url).pathname;

/** The Makefile's VARS: the variables make passes to the scripts, over its continuation lines. */
function makefileVars(makefile: string): string[] {
  const m = /^VARS := ((?:.*\\\n)*.*)$/m.exec(makefile);
  if (!m) throw new Error('Makefile: no VARS := line');
  return m[1].replace(/\\\n/g, ' ').split(/\s+/).filter(Boolean);
}

test("makefileVars reads every variable of the Makefile's VARS, over its continuation lines", () => {
  const vars = makefileVars(readFileSync(`${ROOT}Makefile`, 'utf8'));
  for (const v of ['TARGET', 'SNAPSHOT', 'SCENARIOS', 'REPORTS', 'OUT', 'REPORT', 'JOBS', 'FORCE']) assert.ok(vars.includes(v), v);
  assert.ok(!vars.some((v) => v.includes('\\')));
  assert.deepEqual(makefileVars('VARS := A B \\\n\tC\nX := 1\n'), ['A', 'B', 'C']);
});

test("the Makefile's VARS are exactly the variables of lib/tooling/variables.ts that make passes", () => {
  const inMakefile = makefileVars(readFileSync(`${ROOT}Makefile`, 'utf8'));
  const inTable = VARIABLES.filter((v) => v.make).map((v) => v.name);
  assert.deepEqual([...inMakefile].sort(), [...inTable].sort(), 'add the variable to both, or remove it from both');
  assert.equal(new Set(inMakefile).size, inMakefile.length, 'a name twice in VARS');
});

test('the table names each variable once, each with a description', () => {
  const names = VARIABLES.map((v) => v.name);
  assert.equal(new Set(names).size, names.length);
  for (const v of VARIABLES) {
    assert.match(v.name, /^[A-Z][A-Z0-9_]*$/);
    assert.ok(v.description.trim(), v.name);
  }
});

test('readConfig reads exactly the variables the table gives a default, and JOBS', () => {
  const read = new Set<string>();
  const env = new Proxy({} as Record<string, string | undefined>, {
    get: (_t, k) => {
      if (typeof k === 'string') read.add(k);
      return undefined;
    },
  });
  readConfig(env, '/tmp');
  const scriptsOwn = ['BENCH_JOBS', 'DEV_CACHE', 'DEV_IMAGE', 'DEV_APT'];
  const expected = Object.keys(DEFAULTS).filter((k) => !scriptsOwn.includes(k));
  assert.deepEqual([...read].sort(), [...expected].sort());
});

test("valueOf checks a value by its table's kind", () => {
  assert.equal(valueOf('KEEP', 'true'), true);
  assert.equal(valueOf('BOOT_TIMEOUT', '1.5'), 1500);
  assert.deepEqual(valueOf('DOCKER_RUN_OPTS', `--a 'b c'`), ['--a', 'b c']);
  assert.deepEqual(valueOf('REQUIRE', 'iptables,isolation'), new Set(['iptables', 'isolation']));
  assert.equal(valueOf('JOBS', '16'), 16);
  for (const [name, bad] of [['KEEP', 'yes'], ['BOOT_TIMEOUT', '0'], ['JOBS', '17'], ['LOG', 'pv'], ['DOCKER_RUN_OPTS', '"x']]) {
    assert.throws(() => valueOf(name, bad), UsageError, `${name}=${bad}`);
  }
  assert.throws(() => valueOf('NOT_A_VARIABLE', '1'), /not a variable/);
});
