/**
 * Derives an artifact declared in scenarios.json `derivedArtifacts` (e.g. Test 8's
 * pv-example-net-pvcnet+baked-net) from its source pvrexport with the system tar, jq and
 * sha256sum. Every command is echoed, so the derivation can be copied and run by hand.
 *   tar -xzf SOURCE -C DIR; jq edits on DIR/json; a config object rewritten under its new
 *   sha256; tar -czf OUT -C DIR json objects/...
 * Usage: tsx scripts/derive.ts NAME   (writes $WORK_DIR/NAME.pvrexport.tgz; deriveCommand)
 */
import { existsSync, lstatSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { $ } from 'zx';
import type { Config } from '../config.ts';
import { configKey, type DerivedArtifact, jqAssignment } from '../derive.ts';
import { EnvironmentError, UsageError } from '../errors.ts';
import { objectRefs, SHA_RE, type State } from '../pvrexport.ts';
import type { PlanFile } from '../scenarios.ts';
import { echoShell, say, shellQuote, typed } from './output.ts';
import { objectMembers, requireHostTools } from './pvrexport-files.ts';

async function run(line: string, echo: (line: string) => void): Promise<string> {
  echo(line);
  const r = await $({ nothrow: true, quiet: true })`sh -c ${line}`;
  if (r.exitCode !== 0) throw new EnvironmentError(`deriving failed at: ${line}: ${r.stderr.trim().split('\n').pop() ?? `exit ${r.exitCode}`}`);
  return r.stdout;
}

/** The dot file that marks WORK_DIR as the toolkit's own (written with its first derivation). */
export function workDirMarker(cfg: Config): string {
  return `${cfg.workDir}/.pv-ipam-tests-work`;
}

/**
 * Refuses (exit 2, before anything is written or removed) to overwrite a derived export or its
 * scratch directory in a WORK_DIR the toolkit did not write (no marker): WORK_DIR=~/exports must
 * not lose a file of the same name. FORCE=1 overwrites anyway. Marks WORK_DIR as the toolkit's.
 */
export function requireOwnWorkDir(cfg: Config, name: string): void {
  const marker = workDirMarker(cfg);
  if (!existsSync(marker) && !cfg.force) {
    for (const p of [derivedPath(cfg, name), `${cfg.workDir}/derive/${name}`]) {
      if (existsSync(p) || isLink(p)) {
        throw new UsageError(`WORK_DIR=${typed(cfg.workDir)} holds ${typed(p)}, which pv-ipam-tests did not write (no ${basename(marker)} there); give another WORK_DIR, or FORCE=1 to overwrite it`);
      }
    }
  }
  mkdirSync(cfg.workDir, { recursive: true });
  if (!existsSync(marker)) writeFileSync(marker, 'pv-ipam-tests writes derived pvrexports here (make stage-N); FORCE=1 is not needed in this directory\n');
}

function isLink(p: string): boolean {
  try {
    return lstatSync(p).isSymbolicLink();
  } catch {
    return false;
  }
}

export function derivedPath(cfg: Config, name: string): string {
  return `${cfg.workDir}/${name}.pvrexport.tgz`;
}

/** Writes $WORK_DIR/NAME.pvrexport.tgz from SOURCE by the artifact's edits; returns its path. */
export async function derive(cfg: Config, name: string, spec: DerivedArtifact, source: string, echo: (line: string) => void = echoShell): Promise<string> {
  requireOwnWorkDir(cfg, name);
  await requireHostTools(['tar', 'jq', 'sha256sum']);
  const sh = (line: string) => run(line, echo);
  const dir = typed(`${cfg.workDir}/derive/${name}`);
  const out = typed(derivedPath(cfg, name));
  mkdirSync(dirname(derivedPath(cfg, name)), { recursive: true });
  const q = shellQuote;
  const json = `${dir}/json`;
  const setJson = (filter: string) => sh(`jq -c ${q(filter)} ${q(json)} > ${q(`${json}.new`)} && mv ${q(`${json}.new`)} ${q(json)}`);
  await sh(`rm -rf ${q(dir)} && mkdir -p ${q(dir)}`);
  await sh(`tar -xzf ${q(typed(source))} -C ${q(dir)}`);
  for (const edit of spec.edits) {
    const filter = jqAssignment(edit);
    if (filter) {
      await setJson(filter);
      continue;
    }
    if (!('containerConfig' in edit)) continue;
    const { container, append } = edit.containerConfig;
    const state = JSON.parse(readFileSync(json, 'utf8')) as State;
    const key = configKey(container);
    const old = state[key];
    if (typeof old !== 'string' || !SHA_RE.test(old)) throw new UsageError(`derived artifact ${name}: ${spec.from} has no ${key} object`);
    const text = readFileSync(`${dir}/objects/${old}`, 'utf8');
    const conf = `${dir}/lxc.container.conf`;
    await sh(`cp ${q(`${dir}/objects/${old}`)} ${q(conf)} && printf ${q(text === '' || text.endsWith('\n') ? '%s\\n' : '\\n%s\\n')} ${q(append)} >> ${q(conf)}`);
    const sha = (await sh(`sha256sum ${q(conf)}`)).trim().split(/\s+/)[0];
    if (!SHA_RE.test(sha)) throw new EnvironmentError(`sha256sum printed '${sha}'`);
    await sh(`mv ${q(conf)} ${q(`${dir}/objects/${sha}`)}`);
    if (old !== sha && objectRefs(state).filter(([, s]) => s === old).length === 1) await sh(`rm ${q(`${dir}/objects/${old}`)}`);
    await setJson(`.[${JSON.stringify(key)}] = ${JSON.stringify(sha)}`);
  }
  await sh(`tar -czf ${q(out)} -C ${q(dir)} json ${objectMembers(dir).map(q).join(' ')}`.trimEnd());
  return derivedPath(cfg, name);
}

/** derive.ts NAME: the derived artifact NAME written from its source in ARTIFACTS; returns its path. */
export async function deriveCommand(cfg: Config, plan: PlanFile, name: string | undefined): Promise<string> {
  const spec = name ? plan.derivedArtifacts?.[name] : undefined;
  if (!name || !spec) throw new UsageError(`usage: derive.ts NAME, one of: ${Object.keys(plan.derivedArtifacts ?? {}).join(', ')}`);
  const out = await derive(cfg, name, spec, `${cfg.artifacts}/${spec.from}.pvrexport.tgz`);
  say(`derived: ${typed(out)}`);
  return out;
}
