/**
 * The directories a run writes to or deletes from, judged before anything is touched: the
 * toolkit never deletes or overwrites a file it did not create, so pvtx.d (where stage deletes
 * pvrexports) may not be, hold or sit inside the build's ARTIFACTS, the reports or the work
 * directory, and derived artifacts are not written over the build's own. Pure: absolute,
 * normalised paths in (symlinks already resolved by the caller), one line out.
 */

/** a and b are the same directory, or one holds the other. */
function nested(a: string, b: string): 'same' | 'inside' | 'contains' | undefined {
  const x = a.replace(/\/+$/, '') || '/';
  const y = b.replace(/\/+$/, '') || '/';
  if (x === y) return 'same';
  const under = (p: string, q: string) => q === '/' || p.startsWith(`${q}/`);
  if (under(x, y)) return 'inside';
  if (under(y, x)) return 'contains';
  return undefined;
}

export interface RunPaths {
  PVTXD: string;
  ARTIFACTS: string;
  REPORT_DIR: string;
  WORK_DIR: string;
}

/** Why these paths cannot be used together, or undefined. */
export function pathOverlap(p: RunPaths): string | undefined {
  const say = (a: keyof RunPaths, how: 'same' | 'inside' | 'contains', b: keyof RunPaths, why: string) =>
    `${a}=${p[a]} ${how === 'same' ? 'is' : how === 'inside' ? 'is inside' : 'holds'} ${b}=${p[b]}: ${why}; choose another ${a}`;
  const staging = 'stage-N deletes every *.pvrexport.tgz in PVTXD and pv-appengine installs every file there';
  // the build's pvrexports and the derived ones: no overlap at all; the reports (their own
  // directories, never a pvrexport) only not in pvtx.d itself
  for (const [other, refused] of [['ARTIFACTS', ['same', 'inside', 'contains']], ['WORK_DIR', ['same', 'inside', 'contains']], ['REPORT_DIR', ['same', 'contains']]] as const) {
    const how = nested(p.PVTXD, p[other]);
    if (how && (refused as readonly string[]).includes(how)) return say('PVTXD', how, other, staging);
  }
  if (nested(p.WORK_DIR, p.ARTIFACTS) === 'same') return say('WORK_DIR', 'same', 'ARTIFACTS', "derived artifacts would be written over the build's own");
  return undefined;
}
