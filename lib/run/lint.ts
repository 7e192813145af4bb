/**
 * lint: predicts, without docker, what Pantavisor will refuse in the pvrexports of ARTIFACTS.
 *   1. every container export, with each device export of ARTIFACTS that defines its pool;
 *   2. every scenario's set, as `make stage-N` stages it (derived artifacts derived).
 * A WARN line per predicted refusal. It never fails for a warning (exit 0): the live checks
 * judge. Exit 3 when an export cannot be read.
 */
import { existsSync, readdirSync } from 'node:fs';
import { lintSet, type LintWarning, poolsDefined, poolsUsed } from '../lint.ts';
import { config, loadPlan } from './inputs.ts';
import { colors, say, terminalSafe, typed } from './output.ts';
import { derive } from './derive.ts';
import { checkedExport, type CheckedExports, type OpenedExport } from './pvrexport-files.ts';
import { artifactPath } from './stage.ts';
import { EnvironmentError } from '../errors.ts';

function show(warnings: LintWarning[]): void {
  for (const w of warnings) say(colors.yellow(`    WARN  ${terminalSafe(w.message)}`));
}

/** make lint: what scripts/lint.ts runs; returns the exit status. */
export async function lintCommand(): Promise<number | void> {
  const cfg = config();
  const plan = loadPlan();
  if (!existsSync(cfg.artifacts)) throw new EnvironmentError(`ARTIFACTS=${typed(cfg.artifacts)} does not exist${cfg.hints.artifacts ? `; ${cfg.hints.artifacts}` : ''}`);
  const names = readdirSync(cfg.artifacts).filter((f) => f.endsWith('.pvrexport.tgz')).map((f) => f.slice(0, -'.pvrexport.tgz'.length)).sort();
  const opened: OpenedExport[] = [];
  const checked: CheckedExports = new Map();
  let total = 0;
  {
    for (const n of names) opened.push(await checkedExport(checked, artifactPath(cfg, n), n));
    const devices = opened.filter((x) => 'device.json' in x.state);
    const containers = opened.filter((x) => !('device.json' in x.state));
    say(colors.bold(`lint: ${opened.length} pvrexports in ${typed(cfg.artifacts)} (${devices.length} device, ${containers.length} container)`) + colors.dim(`  [target: ${cfg.targetLabel}]`));
    for (const c of containers) {
      const pools = poolsUsed(c);
      const found = new Map<string, string[]>();
      for (const p of pools) {
        const defining = devices.filter((d) => poolsDefined(d).includes(p));
        if (!defining.length) {
          found.set(`${c.name}: pool '${p}' is defined by no device export in ${typed(cfg.artifacts)}; staged with any of them Pantavisor refuses it ("references unknown pool")`, []);
        }
        for (const d of defining) {
          for (const w of lintSet([d, c])) found.set(w.message, [...(found.get(w.message) ?? []), d.name]);
        }
      }
      if (!found.size) continue;
      say(`  ${terminalSafe(c.name)}`);
      for (const [message, with_] of found) {
        total++;
        say(colors.yellow(`    WARN  ${terminalSafe(message)}`) + (with_.length ? colors.dim(` (with ${with_.join(', ')})`) : ''));
      }
    }
    say(colors.bold('each scenario, as make stage-N stages it'));
    for (const s of plan.scenarios) {
      const set: OpenedExport[] = [];
      for (const a of s.artifacts) {
        const spec = plan.derivedArtifacts?.[a];
        if (!spec && !names.includes(a)) throw new EnvironmentError(`Test ${s.id} needs ${a}.pvrexport.tgz in ${typed(cfg.artifacts)}`);
        const file = spec ? await derive(cfg, a, spec, artifactPath(cfg, spec.from), () => {}) : artifactPath(cfg, a);
        set.push(await checkedExport(checked, file, a));
      }
      const w = lintSet(set);
      total += w.length;
      say(`  Test ${s.id.padEnd(16)} ${w.length ? colors.yellow(`${w.length} warning${w.length > 1 ? 's' : ''}`) : colors.green('ok')}${colors.dim(`  (${s.artifacts.join(', ')})`)}`);
      show(w);
    }
  }
  say();
  say(`lint: ${total} warning${total === 1 ? '' : 's'} (predictions only; the live checks judge)`);
  return 0;
}
