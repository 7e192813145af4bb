/**
 * What an evidence source is: one module lib/evidence/<source>.ts exports one EvidenceSource, and
 * the registry (lib/evidence/index.ts) lists them. A source is everything the toolkit knows about
 * one kind of output it gathers from the target: the bundle file it lands in, the command that
 * prints it, its parser (lib/parse/), when its output cannot be read, and which exit statuses of
 * its command mean "not yet" rather than "cannot be read". Gathering (lib/bundle/gather.ts) and the
 * parsed state (lib/bundle/bundle.ts) iterate the registry; a check kind reads a source's value with
 * valueOf (or, for the sources every run has, the StepState fields bundle.ts fills).
 */

/** Where the commands read (the toolkit's LOG_FILE, DEVICE_JSON, STORAGE_PATH, ...). */
export interface CommandPaths {
  /** the trail's device.json inside the target (DEVICE_JSON) */
  deviceJsonFile: string;
  /** pantavisor.log inside the target (LOG_FILE) */
  logFile: string;
  /** STORAGE_PATH (the update files' commands read under it); default: LOG_FILE's, see storageOf */
  storagePath?: string;
  /** pv-appengine's output file (APPENGINE_OUT) */
  appengineOut?: string;
  /** busybox/iputils `ping -W`: seconds to wait for a reply once the pings are sent (default 1) */
  pingWaitSecs?: number;
}

/**
 * The bundle file(s) of a source: one fixed name, or one file per parameter (a revision) whose
 * name carries it.
 */
export type SourceFile = string | {
  /** the file of one parameter, e.g. `progress-locals+x.json` for `locals/x` */
  of(param: string): string;
  /** the parameter a file name carries, or undefined for a file that is not this source's */
  param(file: string): string | undefined;
};

/**
 * When a source is gathered: `always` every round (the evidence of most checks), `when-read`
 * only when a check or wait reads it (a command the target may lack, or one per revision),
 * `capture` every full round for the people reading a bundle (no check reads it), `per-ping`
 * one file per ping of the step (the step's `pings` say which: lib/evidence/ping.ts).
 */
export type Gathered = 'always' | 'when-read' | 'capture' | 'per-ping';

export interface EvidenceSource<T = unknown> {
  /** the source's name: its module's, lib/evidence/<name>.ts */
  name: string;
  file: SourceFile;
  gathered: Gathered;
  /** the command that prints it in the target (one sh line; values quoted); param: the file's parameter */
  command(paths: CommandPaths, param: string): string;
  /** the output parsed (lib/parse/), with why it cannot be read when its parser does not recognise it */
  read(text: string): { value: T; problem?: string };
  /**
   * Whether a non-zero exit of its command makes the file unreadable (its checks ERROR, quoting
   * the reason: lib/evidence/exit-status.ts exitReason), and whether a problem `read` finds does.
   * Without it, the text alone is judged by the checks (e.g. pantavisor.log, a ping's output).
   */
  readability?: {
    /** a non-zero exit status makes the file unreadable (false: only the text's problem does) */
    exitStatus: boolean;
    /** an exit status that says "not yet" (no evidence and no error), e.g. pvcontrol 255 while pantavisor relaunches */
    notYet?(code: number): boolean;
  };
}

/** The file of a source for one parameter (a fixed name ignores it). */
export function fileOf(source: EvidenceSource, param = ''): string {
  return typeof source.file === 'string' ? source.file : source.file.of(param);
}

/** The parameter of `file` when it is this source's (a fixed name: ''), else undefined. */
export function paramOf(source: EvidenceSource, file: string): string | undefined {
  return typeof source.file === 'string' ? (source.file === file ? '' : undefined) : source.file.param(file);
}

const parsed = new WeakMap<Record<string, string>, Map<string, { value: unknown; problem?: string }>>();

/** A file's text read by its source, once per files object (a round's files are never changed after). */
export function readOnce<T>(files: Record<string, string>, source: EvidenceSource<T>, file: string): { value: T; problem?: string } {
  let m = parsed.get(files);
  if (!m) parsed.set(files, m = new Map());
  const key = `${source.name}\0${file}`;
  if (!m.has(key)) m.set(key, source.read(files[file] ?? ''));
  return m.get(key) as { value: T; problem?: string };
}

/**
 * What a check kind reads of a source: its file's value parsed (undefined when the file is
 * absent). Its unreadable text is already an ERROR of the check (StepState.unreadable).
 */
export function valueOf<T>(state: { files: Record<string, string> }, source: EvidenceSource<T>, param = ''): T | undefined {
  const file = fileOf(source as EvidenceSource, param);
  return state.files[file] === undefined ? undefined : readOnce(state.files, source, file).value;
}

/** A file name part for a revision: `locals/x` -> `locals+x` (a revision name never holds a `+`). */
export function revisionInFileName(rev: string): string {
  return rev.replace(/\//g, '+');
}

/** The revision a file-name part names: `locals+x` -> `locals/x`. */
export function revisionFromFileName(part: string): string {
  return part.replace(/\+/g, '/');
}

/** One file per revision: `<prefix><rev as file-name part><suffix>`. */
export function perRevision(prefix: string, suffix: string): Exclude<SourceFile, string> {
  const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const re = new RegExp(`^${esc(prefix)}(.+)${esc(suffix)}$`);
  return {
    of: (rev) => `${prefix}${revisionInFileName(rev)}${suffix}`,
    param: (file) => {
      const m = re.exec(file);
      return m ? revisionFromFileName(m[1]) : undefined;
    },
  };
}
