/**
 * Which Pantavisor a run ran on, and what that means for known issues and expectations. The dev
 * image carries /usr/share/pv-ipam-tests/pantavisor-version.json (dev/build-image.sh):
 *   {"commit","describe","date","subject","source":"git"|"tarball","tags":[contained tags],
 *    "history":[12-hex abbreviations of git rev-list HEAD]}   (a tarball: history [its commit], tags [])
 * A Yocto image or the lab has none: the version is unknown and every known issue applies as
 * written. A ref (commit or tag) is resolved against that file; one it cannot resolve is unknown.
 * What that means for known issues and expectations: lib/judge/version-gate.ts. Pure.
 */

export const VERSION_FILE = '/usr/share/pv-ipam-tests/pantavisor-version.json';

export interface PvVersion {
  commit: string;
  describe: string;
  date: string;
  subject: string;
  source: 'git' | 'tarball';
  tags: string[];
  history: string[];
}

/** The version file's text, or undefined when absent or not the contract's shape (then: version unknown). */
export function parseVersion(text: string | undefined): PvVersion | undefined {
  if (!text || !text.trim()) return undefined;
  let v: Record<string, unknown>;
  try {
    v = JSON.parse(text);
  } catch {
    return undefined;
  }
  const str = (k: string) => typeof v[k] === 'string' ? v[k] as string : undefined;
  const list = (k: string) => Array.isArray(v[k]) && (v[k] as unknown[]).every((x) => typeof x === 'string') ? v[k] as string[] : undefined;
  const commit = str('commit');
  const source = str('source');
  const tags = list('tags');
  const history = list('history');
  if (!commit || !/^[0-9a-f]{7,40}$/.test(commit) || (source !== 'git' && source !== 'tarball') || !tags || !history) return undefined;
  return { commit, describe: str('describe') ?? commit.slice(0, 12), date: str('date') ?? '', subject: str('subject') ?? '', source, tags, history: history.map((h) => h.toLowerCase()) };
}

/** The line a report names the version with. */
export function versionLine(v: PvVersion | undefined): string {
  if (!v) return `version unknown (no ${VERSION_FILE} naming a commit: a Yocto image, the lab, a dev image of a plain directory or one built before the file existed)`;
  return `${v.commit.slice(0, 12)} (${v.describe}${v.date ? `, ${v.date}` : ''}, from ${v.source === 'git' ? 'a git tree' : 'a tarball'})${v.subject ? ` ${v.subject}` : ''}`;
}

export type Containment = 'contained' | 'not contained' | 'unknown';

/**
 * Whether the version contains a ref: a commit (7+ hex) by its history, a tag by its tags. A
 * commit not in a git tree's full history is not contained; a tarball's history is only itself,
 * and a tag not listed may be a later tag or a misspelt one: unknown.
 */
export function contains(v: PvVersion | undefined, ref: string): Containment {
  if (!v) return 'unknown';
  const r = ref.toLowerCase();
  if (/^[0-9a-f]{7,40}$/.test(r)) {
    if (v.commit.startsWith(r) || (r.startsWith(v.commit.slice(0, 12)) && r.length >= 12)) return 'contained';
    const hit = v.history.some((h) => h.startsWith(r.slice(0, 12)) || r.startsWith(h));
    if (hit) return 'contained';
    return v.source === 'git' ? 'not contained' : 'unknown';
  }
  return v.tags.includes(ref) ? 'contained' : 'unknown';
}

export function shortOf(v: PvVersion | undefined): string {
  return v ? `pantavisor ${v.commit.slice(0, 12)}` : 'this version';
}
