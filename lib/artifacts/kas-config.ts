/**
 * Which kas configuration `make build` gives kas-container: the plan's release config lives where
 * the user's meta-pantavisor has it. meta-pantavisor moved it on 2026-04-01 (f78aef6, "overhaul CI
 * workflows"): `.github/configs/release/docker-x86_64-scarthgap.yaml` became
 * `kas/build-configs/release/docker-x86_64-scarthgap.yaml`; `kas/with-workspace.yaml` stayed.
 * The plan (028-rc11) still gives the old path. Pure: the caller says which files exist.
 */

/** the release config's paths, newest layout first */
export const KAS_RELEASE_CONFIGS = [
  { path: 'kas/build-configs/release/docker-x86_64-scarthgap.yaml', layout: 'meta-pantavisor since 2026-04-01 (f78aef6)' },
  { path: '.github/configs/release/docker-x86_64-scarthgap.yaml', layout: 'meta-pantavisor before 2026-04-01, as the plan gives it' },
] as const;
export const KAS_WORKSPACE_CONFIG = 'kas/with-workspace.yaml';

export interface KasConfigChoice {
  /** the KAS_CONFIG argument: files joined by ':' */
  config: string;
  /** one line saying which it used and why */
  note: string;
  /** the files it names that do not exist (empty when all do) */
  missing: string[];
}

/**
 * KAS_CONFIG given (`explicit`): used as it is, its missing files named. Not given: the release
 * config the checkout has plus kas/with-workspace.yaml; neither layout: the new one, both named missing.
 */
export function chooseKasConfig(explicit: string | undefined, exists: (relPath: string) => boolean): KasConfigChoice {
  if (explicit) {
    const files = explicit.split(':').filter(Boolean);
    return { config: explicit, note: `KAS_CONFIG as given: ${explicit}`, missing: files.filter((f) => !exists(f)) };
  }
  const found = KAS_RELEASE_CONFIGS.find((c) => exists(c.path));
  if (!found) {
    return {
      config: `${KAS_RELEASE_CONFIGS[0].path}:${KAS_WORKSPACE_CONFIG}`,
      note: 'no release kas config found',
      missing: KAS_RELEASE_CONFIGS.map((c) => c.path),
    };
  }
  return {
    config: `${found.path}:${KAS_WORKSPACE_CONFIG}`,
    note: `kas config ${found.path} (${found.layout})`,
    missing: exists(KAS_WORKSPACE_CONFIG) ? [] : [KAS_WORKSPACE_CONFIG],
  };
}
