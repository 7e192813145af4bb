/**
 * make bench, live part (the lab by default; any TARGET): runs scenarios through the real CLI
 * and prints, per test, the target's own time (from its log), the plan's own commands (docker,
 * pings, the re-check window of a step that ends failing), the toolkit's time to verdict, and the overhead in seconds and as a ratio (lib/overhead.ts);
 * then the wall time of the same scenarios with JOBS=1, 2 and 4. First, how fast a broken
 * pvrexport is refused: `make test-1` on a copy of ARTIFACTS whose net-client export is cut in
 * half must exit 3 (make says 2) with one line in under 2 s. Exit 1 when a test's overhead passes 1 s or the
 * refusal is slower.
 *   BENCH_ONLY="1 3"   the scenarios (default: all)      BENCH_JOBS="1 2 4"   the JOBS runs (empty: none)
 */
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, truncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { $ } from 'zx';
import { type OverheadRow, overheadRow } from '../lib/overhead.ts';
import { parsePing } from '../lib/parse/ping.ts';
import { parsePvLog, type PvLog } from '../lib/parse/pv-log.ts';
import { pingFileName } from '../lib/bundle.ts';
import type { RunReport } from '../lib/report/model.ts';
import { findScenario } from '../lib/scenarios.ts';
import { config, loadPlan } from '../lib/run/inputs.ts';

$.verbose = false;
const target = process.env.TARGET || 'lab';
const out = process.env.BENCH_DIR || 'reports/bench';
const plan = loadPlan();
const only = (process.env.BENCH_ONLY || plan.scenarios.map((s) => s.id).join(' ')).trim();
process.env.TARGET ||= target;
// the target's preset too (TARGET=dev: its external host, ping wait and settle window), as the runs see it
const cfg = config();

async function run(dir: string, extra: Record<string, string>): Promise<{ report: RunReport; wallS: number }> {
  const t0 = performance.now();
  const r = await $({ nothrow: true, env: { ...process.env, ...extra } })`make -s test-all TARGET=${target} ONLY=${only} REPORT_DIR=${dir}`.quiet();
  const wallS = (performance.now() - t0) / 1000;
  const runDir = existsSync(dir) ? readdirSync(dir).filter((d) => d.endsWith('-test-all')).sort().pop() : undefined;
  if (!runDir) {
    console.error(`bench: make test-all TARGET=${target} wrote no report (exit ${r.exitCode}): ${r.stderr.trim().split('\n').pop()}`);
    process.exit(2);
  }
  return { report: JSON.parse(readFileSync(`${dir}/${runDir}/report.json`, 'utf8')), wallS };
}

/** Seconds from `make test-1` to its refusal of a truncated pvrexport, or why it was not measured. */
async function badArtifactRefusal(): Promise<{ s?: number; why?: string }> {
  const from = config().artifacts;
  const name = 'pv-example-net-client.pvrexport.tgz';
  if (!existsSync(`${from}/${name}`)) return { why: `no ${name} in ${from}` };
  const dir = mkdtempSync(`${tmpdir()}/pv-bench-artifacts-`);
  try {
    cpSync(from, dir, { recursive: true });
    truncateSync(`${dir}/${name}`, Math.floor(statSync(`${dir}/${name}`).size / 2));
    const t0 = performance.now();
    const r = await $({ nothrow: true, env: { ...process.env, ARTIFACTS: dir } })`make -s test-1 TARGET=${target}`.quiet();
    const s = (performance.now() - t0) / 1000;
    const lines = r.stderr.split('\n').filter((l) => l && !l.startsWith('make'));
    if (r.exitCode !== 2 || !/\bError 3\b/.test(r.stderr) || lines.length !== 1 || !lines[0].includes(name)) return { why: `not refused with one line naming the file: ${r.stdout}${r.stderr}` };
    return { s };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const fmt = (n: number | undefined, d = 1) => (n === undefined || Number.isNaN(n) ? 'n/a' : n.toFixed(d));

const refusal = await badArtifactRefusal();
const refusalOk = refusal.s !== undefined && refusal.s < 2;
console.log(
  `${refusalOk ? 'ok  ' : 'MISS'}  a truncated pvrexport refused (make test-1: one line, the script exit 3, make 2): ${
    refusal.s !== undefined ? `${refusal.s.toFixed(2)} s` : refusal.why
  } (target < 2 s)\n`,
);

console.log(`live overhead on ${target} (${only})`);
const { report, wallS } = await run(`${out}/live`, { JOBS: '1' });
const rows: OverheadRow[] = report.scenarios.map((s) => {
  const scenario = findScenario(plan, s.id);
  const logs: Record<string, PvLog> = {};
  const stepDir = (step: string) => (scenario.steps.length > 1 ? `${s.bundle}/${step}` : s.bundle!);
  for (const st of scenario.steps) {
    const f = `${stepDir(st.id)}/pantavisor.log`;
    if (s.bundle && existsSync(f)) logs[st.id] = parsePvLog(readFileSync(f, 'utf8'));
  }
  const lossOf = (step: string, p: { from: string; to: string }) => {
    const to = p.to.replace('${EXTERNAL_HOST}', cfg.externalHost);
    const f = `${stepDir(step)}/${pingFileName(p.from, to)}`;
    return existsSync(f) ? parsePing(readFileSync(f, 'utf8'))?.lossPercent : undefined;
  };
  return overheadRow(scenario, s, logs, lossOf, cfg.pingWaitSecs, cfg.settleStableMs / 1000);
});
console.log(`${'test'.padEnd(18)} ${'status'.padEnd(8)} ${'target s'.padStart(8)} ${'commands s'.padStart(10)} ${'toolkit s'.padStart(9)} ${'overhead s'.padStart(10)} ${'ratio'.padStart(6)}`);
for (const r of rows) {
  console.log(
    `${r.id.padEnd(18)} ${r.status.padEnd(8)} ${fmt(r.targetS).padStart(8)} ${fmt(r.commandsS).padStart(10)} ${fmt(r.toolkitS).padStart(9)} ${fmt(r.overheadS).padStart(10)} ${
      fmt(r.ratio, 2).padStart(6)
    }  ${r.miss ? 'MISS (> 1 s)' : r.notBooted ? `- ${r.note}` : r.overheadS === undefined ? `? ${r.note ?? ''}` : 'ok'}`,
  );
}
const known = rows.filter((r) => r.overheadS !== undefined);
const measurable = rows.filter((r) => !r.notBooted);
const mean = known.reduce((a, r) => a + r.overheadS!, 0) / Math.max(1, known.length);
console.log(
  `overhead: mean ${mean.toFixed(2)} s per test, max ${fmt(Math.max(...known.map((r) => r.overheadS!)), 2)} s; whole run ${wallS.toFixed(1)} s wall (target's timestamps are whole seconds: ±0.5 s)`,
);

const jobsRuns = (process.env.BENCH_JOBS ?? '1 2 4').split(/\s+/).filter(Boolean).map(Number);
if (jobsRuns.length) {
  console.log(`\nparallel runs (${only}):`);
  let base: number | undefined;
  for (const j of jobsRuns) {
    const r = j === 1 ? { report, wallS } : await run(`${out}/jobs-${j}`, { JOBS: String(j) });
    base ??= r.wallS;
    const ok = r.report.summary.failed + r.report.summary.errors === 0;
    console.log(
      `  JOBS=${j}: ${r.wallS.toFixed(1)} s wall, speed-up ${(base / r.wallS).toFixed(2)}x${
        ok ? '' : `  (${r.report.summary.failed} failed, ${r.report.summary.errors} errors: parallel runs disturbed the results)`
      }`,
    );
  }
}
process.exitCode = !refusalOk || rows.some((r) => r.miss) || known.length < measurable.length ? 1 : 0;
