/** Where pantavisor keeps a revision's files under STORAGE_PATH (the update sources' commands read there). */

const DEFAULT_STORAGE = '/var/pantavisor/storage';

/**
 * STORAGE_PATH as given, else the one LOG_FILE sits in (`<storage>/logs/0/pantavisor/pantavisor.log`),
 * else the default: a revision's log is LOG_FILE with `0` replaced by the revision.
 */
export function storageOf(p: { storagePath?: string; logFile: string }): string {
  if (p.storagePath) return p.storagePath.replace(/(.)\/+$/, '$1');
  const m = /^(.*)\/logs\/0\/pantavisor\/pantavisor\.log$/.exec(p.logFile);
  return m && m[1] ? m[1] : DEFAULT_STORAGE;
}

/** `<storage>/logs/<rev>/pantavisor/pantavisor.log`: where pantavisor logs while running that revision. */
export function revisionLogPath(p: { storagePath?: string; logFile: string }, rev: string): string {
  return `${storageOf(p)}/logs/${rev}/pantavisor/pantavisor.log`;
}
