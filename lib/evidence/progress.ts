/**
 * An update's progress, progress-<rev>.json: `pvcontrol steps show-progress <rev>`, gathered only
 * when a check reads it. pvcontrol's exit statuses that mean pantavisor did not answer are "not
 * yet" (no evidence, no error): see PVCONTROL_NO_ANSWER.
 */
import { parseProgress, type UpdateProgress } from '../parse/pv-progress.ts';
import { shellQuote as q } from '../tooling/shell-quote.ts';
import { type EvidenceSource, perRevision } from './source.ts';

/** pvcontrol's exit status when pv-ctrl gives no answer (curl failed: pantavisor relaunching) or not HTTP 200 (e.g. 404, no such revision yet). */
export const PVCONTROL_NOT_ANSWERING = 255;
/**
 * pvcontrol's exit statuses that mean pantavisor did not answer (observed on the dev appengine,
 * pantavisor 303584a7): 255 after curl's 5-s connect timeout while it tears down, 1 (`ERROR: got
 * no response`) while pv-appengine waits to relaunch it, and CMD_TIMEOUT's kill (124, 137, 143)
 * when it hangs while shutting down (the lab).
 */
export const PVCONTROL_NO_ANSWER = new Set([PVCONTROL_NOT_ANSWERING, 1, 124, 137, 143]);

/** What a progress-<rev>.json holds: the progress, or that pantavisor did not answer (pvcontrol exit 255, not an error). */
export type ProgressState = { progress: UpdateProgress; notAnswering?: undefined } | { progress?: undefined; notAnswering: string };

export const PROGRESS: EvidenceSource<UpdateProgress | undefined> = {
  name: 'progress',
  file: perRevision('progress-', '.json'),
  gathered: 'when-read',
  command: (_p, rev) => `pvcontrol steps show-progress ${q(rev)}`,
  read: (text) => {
    const r = parseProgress(text);
    return 'problem' in r ? { value: undefined, problem: r.problem } : { value: r.progress };
  },
  readability: { exitStatus: true, notYet: (code) => PVCONTROL_NO_ANSWER.has(code) },
};

/** What pantavisor's not answering looks like in StepState.progress. */
export function notAnswering(rev: string, code: number): ProgressState {
  return { notAnswering: `pvcontrol steps show-progress ${rev} exited ${code} (pantavisor not answering, or no such revision)` };
}
