/**
 * build: the plan's Prerequisites build (every artifact the scenarios stage, plus the image):
 *   ./kas-container build <KAS_CONFIG> --target pv-example-device-ipam ... --target pantavisor-appengine
 * DRY_RUN=1 prints the command instead of running it.
 */
import { $ } from 'zx';
import { EnvironmentError } from '../lib/errors.ts';
import { builtArtifacts } from '../lib/scenarios.ts';
import { config, echoCommand, isMain, loadPlan, main } from './shared/common.ts';

export function kasCommand(kas: string, kasConfig: string, targets: string[]): string[] {
  return [kas, 'build', kasConfig, ...targets.flatMap((t) => ['--target', t])];
}

if (isMain(import.meta.url)) {
  await main(async () => {
    const cfg = config();
    const plan = loadPlan();
    // the plan's own target list; anything a scenario stages that it lacks is added
    const targets = [...new Set([...(plan.plan.buildTargets ?? []), ...builtArtifacts(plan)])];
    if (!targets.includes('pantavisor-appengine')) targets.push('pantavisor-appengine');
    const cmd = kasCommand(cfg.kas, cfg.kasConfig, targets);
    echoCommand(cmd);
    if (cfg.dryRun) return 0;
    const r = await $({ nothrow: true, stdio: 'inherit' })`${cmd}`;
    if (r.exitCode === 127 || /ENOENT/.test(r.message ?? '')) throw new EnvironmentError(`${cfg.kas} not found; run make build from the meta-pantavisor checkout or set KAS=`);
    return r.exitCode === 0 ? 0 : 3;
  });
}
