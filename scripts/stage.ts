/**
 * stage-N: the plan's Setup block.
 *   rm -f pvtx.d/*.pvrexport.tgz
 *   cp $ARTIFACTS/<artifact>.pvrexport.tgz pvtx.d/      (for each artifact of Test N)
 * A NAME+baked-net artifact is derived from NAME first (Test 8).
 */
import { copyFileSync, existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import type { Config } from '../lib/config.ts';
import { EnvironmentError } from '../lib/errors.ts';
import { BAKED_NET_SUFFIX, findScenario, type Scenario } from '../lib/scenarios.ts';
import { colors, config, echoCommand, isMain, loadPlan, main, say, shellQuote, testArg } from './common.ts';
import { deriveBakedNet } from './derive-baked-net.ts';

export function artifactPath(cfg: Config, name: string): string {
  return `${cfg.artifacts}/${name}.pvrexport.tgz`;
}

/** Fails (exit 3) naming every missing artifact and how to build them. */
export function requireArtifacts(cfg: Config, scenario: Scenario): void {
  const needed = scenario.artifacts.map((a) => (a.endsWith(BAKED_NET_SUFFIX) ? a.slice(0, -BAKED_NET_SUFFIX.length) : a));
  const missing = needed.filter((a) => !existsSync(artifactPath(cfg, a)));
  if (missing.length) {
    const how = cfg.target === 'lab' ? 'run `make lab`' : 'build them with `make build`, or set ARTIFACTS= to where they are';
    throw new EnvironmentError(`Test ${scenario.id} needs ${missing.map((m) => `${m}.pvrexport.tgz`).join(', ')} in ${cfg.artifacts}; ${how}`);
  }
}

export function stage(cfg: Config, scenario: Scenario): string[] {
  requireArtifacts(cfg, scenario);
  mkdirSync(cfg.pvtxd, { recursive: true });
  say(colors.dim(`+ rm -f ${shellQuote(cfg.pvtxd)}/*.pvrexport.tgz`));
  for (const f of readdirSync(cfg.pvtxd)) {
    if (f.endsWith('.pvrexport.tgz')) rmSync(`${cfg.pvtxd}/${f}`, { force: true });
    else if (statSync(`${cfg.pvtxd}/${f}`).isFile()) {
      say(colors.yellow(`warning: ${cfg.pvtxd}/${f} is not a pvrexport; pv-appengine runs \`pvtx add\` on every file there and stops at the first it cannot add`));
    }
  }
  const staged: string[] = [];
  for (const a of scenario.artifacts) {
    const dest = `${cfg.pvtxd}/${a}.pvrexport.tgz`;
    if (a.endsWith(BAKED_NET_SUFFIX)) {
      const source = artifactPath(cfg, a.slice(0, -BAKED_NET_SUFFIX.length));
      const derived = `${cfg.workDir}/${a}.pvrexport.tgz`;
      echoCommand(['npx', 'tsx', 'scripts/derive-baked-net.ts', source, derived]);
      const r = deriveBakedNet(source, derived);
      say(colors.dim(`  ${r.container}/lxc.container.conf now ends with "lxc.net.0.type = veth" (object ${r.newSha.slice(0, 12)}…)`));
      echoCommand(['cp', derived, `${cfg.pvtxd}/`]);
      copyFileSync(derived, dest);
    } else {
      echoCommand(['cp', artifactPath(cfg, a), `${cfg.pvtxd}/`]);
      copyFileSync(artifactPath(cfg, a), dest);
    }
    staged.push(dest);
  }
  return staged;
}

if (isMain(import.meta.url)) {
  await main(async () => {
    const plan = loadPlan();
    const scenario = findScenario(plan, testArg(process.argv.slice(2)));
    stage(config(), scenario);
  });
}
