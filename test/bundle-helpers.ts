/**
 * Shared by scenario-bundles.test.ts (Tests 1–9) and scenario-bundles-beyond.test.ts (the
 * scenarios beyond the plan): reading the fixture bundles in test/fixtures/bundles, evaluating a
 * scenario's checks on them as `make verify-N SNAPSHOT=DIR` does, the one-change text transforms
 * the failure variants are made of, and running a variant.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type BundleMeta, stateFromFiles, type StepState } from '../lib/bundle/bundle.ts';
import { logCapabilities, logProbe } from '../lib/plan/capabilities.ts';
import { judge, type Judgement } from '../lib/judge/verdict.ts';
import { type CheckResult, evaluateScenario } from '../lib/judge/evaluate.ts';
import { parsePvLog } from '../lib/parse/pv-log.ts';
import { checkLine, NO_COLORS } from '../lib/report/console.ts';
import type { CapabilityProbe } from '../lib/plan/capabilities.ts';
import { findScenario, parsePlan, resolveStep, type Scenario } from '../lib/plan/scenarios.ts';

const path = (rel: string) => fileURLToPath(new URL(rel, import.meta.url));
export const plan = parsePlan(readFileSync(path('../scenarios.json'), 'utf8'), readFileSync(path('../scenarios.schema.json'), 'utf8'));
export const BUNDLES = path('./fixtures/bundles');

// ------------------------------------------------------------------------------ bundle reader
export type StepFiles = Record<string, string>;
export interface Bundle {
  files: Record<string, StepFiles>;
  meta: BundleMeta;
}

function readFiles(dir: string): StepFiles {
  const files: StepFiles = {};
  for (const name of readdirSync(dir)) {
    const p = `${dir}/${name}`;
    if (name !== 'meta.json' && statSync(p).isFile()) files[name] = readFileSync(p, 'utf8');
  }
  return files;
}

/** A single-step scenario keeps its files at the top; a multi-step one has a directory per step. */
function readBundle(scenario: Scenario, dirName: string): Bundle {
  const dir = `${BUNDLES}/${dirName}`;
  const meta = JSON.parse(readFileSync(`${dir}/meta.json`, 'utf8')) as BundleMeta;
  const files: Record<string, StepFiles> = {};
  if (scenario.steps.length === 1) files[scenario.steps[0].id] = readFiles(dir);
  else for (const s of scenario.steps) if (existsSync(`${dir}/${s.id}`)) files[s.id] = readFiles(`${dir}/${s.id}`);
  return { files, meta };
}

const bundles = new Map<string, Bundle>();
/** The bundle of a scenario: test/fixtures/bundles/test-<id>, or another directory (e.g. test-5-isolation). */
export function bundle(id: string, dirName = `test-${id}`): Bundle {
  if (!bundles.has(dirName)) bundles.set(dirName, readBundle(findScenario(plan, id), dirName));
  return bundles.get(dirName)!;
}

function states(files: Record<string, StepFiles>): Record<string, StepState> {
  const out: Record<string, StepState> = {};
  for (const [step, f] of Object.entries(files)) out[step] = stateFromFiles(f);
  return out;
}
const resolvedSteps = (scenario: Scenario, meta: BundleMeta) => scenario.steps.map((s) => resolveStep(s, { EXTERNAL_HOST: meta.externalHost }));

/** Every check of the scenario on the bundle's files. */
export function evaluate(id: string, files: Record<string, StepFiles>, meta: BundleMeta): CheckResult[] {
  const scenario = findScenario(plan, id);
  return evaluateScenario(scenario, resolvedSteps(scenario, meta), states(files), plan);
}

/**
 * The scenario's verdict on the bundle's files, as scripts/verify.ts verifyBundle gives it:
 * command probes as meta.json recorded them, log probes judged again on the boot step's log
 * (absent: only the boot step is evaluated, as evidence), then lib/plan/capabilities.ts judge().
 */
export function verdict(id: string, files: Record<string, StepFiles>, meta: BundleMeta, require: Set<string> = new Set()): Judgement {
  const scenario = findScenario(plan, id);
  const steps = resolvedSteps(scenario, meta);
  const st = states(files);
  const probes: Record<string, CapabilityProbe> = { ...meta.capabilities };
  const boot = st[steps[0].id];
  if (boot) { for (const c of logCapabilities(plan, scenario)) probes[c] = logProbe(plan.capabilities![c], boot); }
  const skippedAt = logCapabilities(plan, scenario).some((c) => !probes[c]?.present);
  return judge(plan, scenario, evaluateScenario(scenario, skippedAt ? steps.slice(0, 1) : steps, st, plan), probes, require);
}

/**
 * A step's files are in the formats of a real capture: the bundle files present (nft-ruleset.txt
 * may be absent where nft could not run), every log line in pantavisor's format (facts §1), lxc-ls
 * padded (facts §11.5), a ruleset with pantavisor's postrouting chain, device.json parsing.
 */
export function assertRealFormats(where: string, files: StepFiles, opts: { nftRuleset?: boolean } = {}): void {
  const required = ['lxc-ls.txt', 'device.json', 'pantavisor.log', 'ip-addr.txt', ...(opts.nftRuleset === false ? [] : ['nft-ruleset.txt'])];
  for (const f of required) assert.ok(files[f] !== undefined, `${where}/${f}`);
  const log = parsePvLog(files['pantavisor.log']);
  assert.deepEqual(log.unparsed, [], `${where}: every log line has the real format`);
  assert.ok(log.lines.every((l) => l.raw.includes(`${l.level}\t -- [`)), `${where}: TAB after the level`);
  assert.ok(log.lines.filter((l) => l.module === 'parser-system1').every((l) => l.function === undefined), `${where}: parser-system1 has no (func:line)`);
  const lxcText = files['lxc-ls.txt'];
  if (lxcText !== '') assert.ok(lxcText.split('\n').filter(Boolean).every((l) => l.endsWith(' ')), `${where}: lxc-ls pads every line`);
  const nft = files['nft-ruleset.txt'];
  if (nft !== undefined && nft !== '') assert.match(nft, /^\tchain postrouting \{$/m);
  assert.doesNotThrow(() => JSON.parse(files['device.json']));
}

// ------------------------------------------------------------------------------ text transforms
export type Transform = (text: string) => string | undefined;

export function need(text: string, s: string): void {
  if (!text.includes(s)) throw new Error(`stale variant: ${JSON.stringify(s)} is not in the file`);
}
export const lines = (t: string) => t.split('\n');

function lastLine(ls: string[], needle: string): number {
  for (let i = ls.length - 1; i >= 0; i--) if (ls[i].includes(needle)) return i;
  return -1;
}

/** Replaces the first (or every) occurrence. */
export const replace = (from: string, to: string, all = false): Transform => (t) => {
  need(t, from);
  return all ? t.split(from).join(to) : t.replace(from, () => to);
};
/** Replaces the last occurrence (e.g. the relaunch's copy of a line). */
export const replaceLast = (from: string, to: string): Transform => (t) => {
  need(t, from);
  const i = t.lastIndexOf(from);
  return t.slice(0, i) + to + t.slice(i + from.length);
};
/** Drops every line containing the needle. */
export const dropLines = (needle: string): Transform => (t) => {
  need(t, needle);
  return lines(t).filter((l) => !l.includes(needle)).join('\n');
};
/** Drops the last line containing the needle. */
export const dropLastLine = (needle: string): Transform => (t) => {
  need(t, needle);
  const ls = lines(t);
  ls.splice(lastLine(ls, needle), 1);
  return ls.join('\n');
};
/** Inserts a line after the first (or every) line containing the needle; `make` gets that line. */
export const insertAfter = (needle: string, make: (anchor: string) => string, all = false): Transform => (t) => {
  need(t, needle);
  let done = false;
  return lines(t).flatMap((l) => {
    if (!l.includes(needle) || (done && !all)) return [l];
    done = true;
    return [l, make(l)];
  }).join('\n');
};
/** Inserts a line after the last line containing the needle. */
export const insertAfterLast = (needle: string, make: (anchor: string) => string): Transform => (t) => {
  need(t, needle);
  const ls = lines(t);
  const i = lastLine(ls, needle);
  ls.splice(i + 1, 0, make(ls[i]));
  return ls.join('\n');
};
/** Swaps the first line containing `a` with the first line containing `b`. */
export const swapLines = (a: string, b: string): Transform => (t) => {
  const ls = lines(t);
  const i = ls.findIndex((l) => l.includes(a));
  const j = ls.findIndex((l) => l.includes(b));
  if (i < 0 || j < 0) throw new Error(`stale variant: cannot swap ${a} / ${b}`);
  [ls[i], ls[j]] = [ls[j], ls[i]];
  return ls.join('\n');
};
/** Moves the first line containing the needle to the end of the file. */
export const moveToEnd = (needle: string): Transform => (t) => {
  const ls = lines(t.replace(/\n$/, ''));
  const i = ls.findIndex((l) => l.includes(needle));
  if (i < 0) throw new Error(`stale variant: ${JSON.stringify(needle)} is not in the file`);
  const [moved] = ls.splice(i, 1);
  return [...ls, moved].join('\n') + '\n';
};
/** Applies a transform to each pantavisor launch of a log separately (a launch starts with `starting logserver loop`). */
export const eachLaunch = (f: Transform): Transform => (t) => {
  need(t, 'starting logserver loop');
  const parts = t.split(/(?=^\[pantavisor\] \d+ DEBUG\t -- \[logserver\]: starting logserver loop$)/m);
  return parts.map((p) => f(p) ?? '').join('');
};
/** Cuts the file `keep` characters into the first occurrence of the needle (a capture cut off mid-line). */
export const truncateInside = (needle: string, keep: number): Transform => (t) => {
  need(t, needle);
  return t.slice(0, t.indexOf(needle) + keep);
};
/** Keeps the file up to and including the first line containing the needle. */
export const keepThrough = (needle: string): Transform => (t) => {
  need(t, needle);
  const ls = lines(t);
  return ls.slice(0, ls.findIndex((l) => l.includes(needle)) + 1).join('\n') + '\n';
};
export const removeFile: Transform = () => undefined;
export const replaceWith = (text: string): Transform => () => text;

/** A pantavisor.log line in the real format, with the time of the anchor line it goes next to. */
export const pv = (level: string, module: string, fn: string, codeLine: number, msg: string) => (anchor: string) => {
  const time = /^\[pantavisor\] (\d+) /.exec(anchor)?.[1] ?? '0';
  return `[pantavisor] ${time} ${level}\t -- [${module}]: (${fn}:${codeLine}) ${msg}`;
};

/**
 * Edits `lxc-ls -f` rows (adding missing ones) and re-pads the table the way lxc-ls does:
 * every column as wide as its widest cell, every line ending in a space.
 */
export const lxc = (edits: Record<string, { state?: string; ip?: string }>): Transform => (t) => {
  const header = ['NAME', 'STATE', 'AUTOSTART', 'GROUPS', 'IPV4', 'IPV6', 'UNPRIVILEGED'];
  const rows = lines(t).filter((l) => l.trim() !== '').map((l) => l.trim().split(/\s+/));
  if (rows.length === 0) rows.push(header);
  for (const [name, e] of Object.entries(edits)) {
    let row = rows.find((r) => r[0] === name);
    if (!row) rows.push(row = [name, 'RUNNING', '0', '-', '-', '-', 'false']);
    if (e.state !== undefined) row[1] = e.state;
    if (e.ip !== undefined) row[4] = e.ip;
  }
  const widths = header.map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) => r.map((c, i) => c.padEnd(widths[i]) + ' ').join('') + '\n').join('');
};

/** busybox ping output of a run that got no reply. */
export const pingLost: Transform = (t) => {
  need(t, 'packets transmitted');
  return lines(t).filter((l) => !l.startsWith('64 bytes from') && !l.startsWith('round-trip'))
    .join('\n').replace(/\d+ packets received, \d+% packet loss/, '0 packets received, 100% packet loss');
};
/** busybox ping output of a run where both packets came back. */
export const pingAnswered: Transform = (t) => {
  const to = /^PING (\S+) /.exec(t)?.[1];
  if (!to) throw new Error('stale variant: not a ping output');
  return `PING ${to} (${to}): 56 data bytes\n64 bytes from ${to}: seq=0 ttl=64 time=0.412 ms\n64 bytes from ${to}: seq=1 ttl=64 time=0.388 ms\n\n` +
    `--- ${to} ping statistics ---\n2 packets transmitted, 2 packets received, 0% packet loss\nround-trip min/avg/max = 0.388/0.400/0.412 ms\n`;
};

// ------------------------------------------------------------------------------ variants
/** One text change to one file of one step. */
export interface Edit {
  /** defaults to the scenario's only step */
  step?: string;
  file: string;
  transform: Transform;
}

export interface Variant extends Edit {
  name: string;
  test: string;
  /** the bundle directory, when not test-<test> (e.g. test-5-isolation) */
  bundle?: string;
  /** edits made first: the state the change is made on (e.g. a known issue fixed) */
  on?: { name: string; edits: Edit[] };
  /** exactly the check ids that must fail ([] = the change must not matter) */
  expectFailing: string[];
}

/** The bundle's files with the edits made (each must change its file). */
export function edited(test: string, b: Bundle, edits: Edit[]): Record<string, StepFiles> {
  const files = structuredClone(b.files);
  for (const e of edits) {
    const step = e.step ?? findScenario(plan, test).steps[0].id;
    const before = files[step]?.[e.file];
    assert.ok(before !== undefined, `the bundle has ${step}/${e.file}`);
    const after = e.transform(before);
    assert.notEqual(after, before, `the transform changes ${step}/${e.file}`);
    if (after === undefined) delete files[step][e.file];
    else files[step][e.file] = after;
  }
  return files;
}

export const variantTitle = (v: Variant) => `Test ${v.test} variant${v.bundle ? ` (${v.bundle})` : ''}${v.on ? ` (on ${v.on.name})` : ''}: ${v.name}`;

/** The variant's edits make exactly its checks fail, each saying what it saw. */
export function checkVariant(v: Variant): void {
  const b = bundle(v.test, v.bundle);
  const files = edited(v.test, b, [...(v.on?.edits ?? []), v]);
  const failing = evaluate(v.test, files, b.meta).filter((r) => !r.pass);
  assert.deepEqual(failing.map((r) => r.id).sort(), [...v.expectFailing].sort(), 'failing checks:\n' + failing.map((r) => checkLine(r, NO_COLORS)).join('\n'));
  for (const r of failing) {
    assert.ok(r.actual.trim() !== '', `${r.id} says what it saw`);
    const printed = checkLine(r, NO_COLORS);
    assert.ok(printed.startsWith(`FAIL  ${r.id}`), printed);
    assert.match(printed, /\n {6}actual: {3}\S/);
  }
}

/** Check ids the variants make fail that are not checks of their test. */
export function unknownCheckIds(variants: Variant[]): string[] {
  return variants.flatMap((v) => {
    const ids = new Set(findScenario(plan, v.test).steps.flatMap((s) => s.checks.map((c) => c.id)));
    return v.expectFailing.filter((id) => !ids.has(id)).map((id) => `${v.name}: ${id} is not a check of Test ${v.test}`);
  });
}
