/**
 * build: the plan's Prerequisites build (every artifact the scenarios stage, plus the image), run
 * in the meta-pantavisor checkout META_PANTAVISOR:
 *   ./kas-container build <release config>:kas/with-workspace.yaml --target pv-example-device-ipam ... --target pantavisor-appengine
 * The release config is the one the checkout has (lib/kas-config.ts: meta-pantavisor moved it from
 * .github/configs/release/ to kas/build-configs/release/ on 2026-04-01; the plan gives the old
 * path); KAS_CONFIG=... overrides it. It says which it used. A config file the checkout lacks:
 * one line naming it, exit 3. DRY_RUN=1 prints the command instead of running it.
 */
import { existsSync } from 'node:fs';
import { $ } from 'zx';
import { EnvironmentError } from '../errors.ts';
import { chooseKasConfig } from '../kas-config.ts';
import { builtArtifacts } from '../scenarios.ts';
import { config, loadPlan } from './inputs.ts';
import { echoCommand, say } from './output.ts';

export function kasCommand(kas: string, kasConfig: string, targets: string[]): string[] {
  return [kas, 'build', kasConfig, ...targets.flatMap((t) => ['--target', t])];
}

/** make build: what scripts/build.ts runs; returns the exit status. */
export async function buildCommand(): Promise<number | void> {
  const cfg = config();
  const plan = loadPlan();
  // the plan's own target list; anything a scenario stages that it lacks is added
  const targets = [...new Set([...(plan.plan.buildTargets ?? []), ...builtArtifacts(plan)])];
  if (!targets.includes('pantavisor-appengine')) targets.push('pantavisor-appengine');
  const meta = cfg.metaPantavisor;
  if (!existsSync(meta)) throw new EnvironmentError(`META_PANTAVISOR is not a directory: ${meta}`);
  const kas = chooseKasConfig(process.env.KAS_CONFIG || undefined, (p) => existsSync(`${meta}/${p}`));
  if (kas.missing.length > 0) {
    throw new EnvironmentError(`${meta} has no ${kas.missing.join(' nor ')} (is META_PANTAVISOR a meta-pantavisor checkout? KAS_CONFIG=... names another config)`);
  }
  say(`${kas.note}, in ${meta}`);
  const cmd = kasCommand(cfg.kas, kas.config, targets);
  echoCommand(cmd);
  if (cfg.dryRun) return 0;
  const r = await $({ nothrow: true, stdio: 'inherit', cwd: meta })`${cmd}`;
  if (r.exitCode === 127 || /ENOENT/.test(r.message ?? '')) throw new EnvironmentError(`${cfg.kas} not found; run make build from the meta-pantavisor checkout or set KAS=`);
  return r.exitCode === 0 ? 0 : 3;
}
