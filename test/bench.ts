/**
 * make bench: speed and memory targets of the offline path (parsing and checking), kept out of
 * the unit tests. A round of live polling must cost far less than its 300 ms interval, so
 * parsing a long pantavisor.log and evaluating every check of a scenario must be fast.
 * Exit 1 when a target is missed.
 */
import { readFileSync } from 'node:fs';
import { parsePvLog } from '../lib/parse/pv-log.ts';
import { stateFromFiles } from '../lib/bundle/bundle.ts';
import { evaluateChecks } from '../lib/judge/evaluate.ts';
import { parsePlan } from '../lib/plan/scenarios.ts';

const sample = (p: string) => readFileSync(new URL(`./samples/${p}`, import.meta.url), 'utf8');
const realLog = sample('static-ip-outside-subnet/pantavisor.log');
// a long-running appengine: the real relaunch log repeated to ~23k lines (~2.4 MB)
const bigLog = Array.from({ length: 10 }, () => realLog).join('');
const plan = parsePlan(readFileSync(new URL('../scenarios.json', import.meta.url), 'utf8'), readFileSync(new URL('../scenarios.schema.json', import.meta.url), 'utf8'));

/** Mean milliseconds per call, after one warm-up call. */
function time(iterations: number, fn: () => void): number {
  fn();
  const t0 = performance.now();
  for (let i = 0; i < iterations; i++) fn();
  return (performance.now() - t0) / iterations;
}

const files = {
  'lxc-ls.txt': sample('two-containers-one-pool/lxc-ls.txt'),
  'pantavisor.log': bigLog,
  'ip-addr.txt': sample('two-containers-one-pool/ip-addr.txt'),
  'nft-ruleset.txt': sample('static-ip-outside-subnet/nft-ruleset.txt'),
  'device.json': '{"groups":[],"network":{"pools":{"internal":{"bridge":"pvbr0","subnet":"10.0.5.0/24","gateway":"10.0.5.1","nat":true}}}}',
};

const results: { name: string; value: number; unit: string; target: number }[] = [];
const lines = bigLog.split('\n').length;
results.push({ name: `parse pantavisor.log (${lines} lines)`, value: time(20, () => parsePvLog(bigLog)), unit: 'ms', target: 150 });
const allChecks = plan.scenarios.flatMap((s) => s.steps.flatMap((st) => st.checks));
const state = stateFromFiles(files);
results.push({
  name: `evaluate all ${allChecks.length} checks on a ${lines}-line log`,
  value: time(20, () => evaluateChecks(allChecks, 'bench', { boot: state }, 'boot')),
  unit: 'ms',
  target: 150,
});
results.push({ name: 'one poll round: stateFromFiles + checks', value: time(20, () => evaluateChecks(allChecks, 'bench', { boot: stateFromFiles(files) }, 'boot')), unit: 'ms', target: 250 });
const heapMb = process.memoryUsage().heapUsed / 2 ** 20;
results.push({ name: 'heap used after the runs', value: heapMb, unit: 'MiB', target: 200 });

let missed = 0;
for (const r of results) {
  const ok = r.value <= r.target;
  if (!ok) missed++;
  console.log(`${ok ? 'ok  ' : 'MISS'}  ${r.name}: ${r.value.toFixed(1)} ${r.unit} (target ≤ ${r.target} ${r.unit})`);
}
process.exitCode = missed ? 1 : 0;
