/**
 * Derived artifacts (scenarios.json `derivedArtifacts`): a pvrexport built from another by a
 * few edits, e.g. Test 8's `pv-example-net-pvcnet+baked-net`. This module turns the edits into
 * the commands that make them (jq filters on the state `json`, a line appended to a container's
 * lxc.container.conf object); scripts/derive.ts runs and echoes them.
 */
export type Edit =
  /** set a value in device.json, e.g. {set: "network.pools.internal.subnet", to: "10.0.5.0/30"} */
  | { deviceJson: { set: string; to: unknown } }
  /** set a value in <container>/run.json, e.g. {container, set: "network.ip", to: "10.0.5.50"} */
  | { runJson: { container: string; set: string; to: unknown } }
  /** set a value in <container>/src.json, e.g. {container, set: "args.PV_NETWORK_IP", to: "10.0.5.50"} */
  | { srcJson: { container: string; set: string; to: unknown } }
  /** append a line to <container>/lxc.container.conf (the object is rewritten under its new sha256) */
  | { containerConfig: { container: string; append: string } };

export interface DerivedArtifact {
  from: string;
  why?: string;
  edits: Edit[];
}

/** `.["device.json"]["network"]["pools"]` for the state key and a dotted path inside it. */
export function jqPath(stateKey: string, dotted: string): string {
  return [stateKey, ...dotted.split('.').filter(Boolean)].map((p) => `[${JSON.stringify(p)}]`).join('').replace(/^/, '.');
}

/** The jq assignment for a JSON edit, or undefined for an edit that is not one. */
export function jqAssignment(edit: Edit): string | undefined {
  if ('deviceJson' in edit) return `${jqPath('device.json', edit.deviceJson.set)} = ${JSON.stringify(edit.deviceJson.to)}`;
  if ('runJson' in edit) return `${jqPath(`${edit.runJson.container}/run.json`, edit.runJson.set)} = ${JSON.stringify(edit.runJson.to)}`;
  if ('srcJson' in edit) return `${jqPath(`${edit.srcJson.container}/src.json`, edit.srcJson.set)} = ${JSON.stringify(edit.srcJson.to)}`;
  return undefined;
}

/** The state key holding a container's lxc.container.conf object reference. */
export function configKey(container: string): string {
  return `${container}/lxc.container.conf`;
}

/** A readable one-line description of an edit (for the console and the plan document). */
export function describeEdit(edit: Edit): string {
  if ('deviceJson' in edit) return `device.json ${edit.deviceJson.set} = ${JSON.stringify(edit.deviceJson.to)}`;
  if ('runJson' in edit) return `${edit.runJson.container}/run.json ${edit.runJson.set} = ${JSON.stringify(edit.runJson.to)}`;
  if ('srcJson' in edit) return `${edit.srcJson.container}/src.json ${edit.srcJson.set} = ${JSON.stringify(edit.srcJson.to)}`;
  return `${edit.containerConfig.container}/lxc.container.conf += "${edit.containerConfig.append}"`;
}

/**
 * The artifacts a list of scenario artifacts needs built: plain names stay, derived ones are
 * replaced by what they derive from (recursively).
 */
export function sourceArtifacts(names: string[], derived: Record<string, DerivedArtifact>): string[] {
  const out = new Set<string>();
  const walk = (n: string, depth: number) => {
    if (depth > 10) throw new Error(`derived artifact '${n}' derives from itself`);
    const d = derived[n];
    if (d) walk(d.from, depth + 1);
    else out.add(n);
  };
  names.forEach((n) => walk(n, 0));
  return [...out];
}
