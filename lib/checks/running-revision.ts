/**
 * kind "running-revision": the revision the device runs, as `readlink <STORAGE_PATH>/logs/current`
 * names it, is this one. Pantavisor points the link at the running revision's name (storage.c
 * pv_storage_set_active: `symlink(rev, ".../logs/current")`), so it reads `0` or `locals/X`, as
 * the lab's does; an absolute or relative path is taken from its `logs/` component on.
 */
import { UPDATE_FILES } from '../bundle/bundle.ts';
import { RUNNING_REVISION } from '../evidence/running-revision.ts';
import { showSource } from '../evidence/user-lines.ts';
import type { CheckBase, CheckKind } from './kind.ts';
import { REVISION_SCHEMA } from './update-progress.ts';
import { current, type EvalContext, type Outcome } from './types.ts';

export interface RunningRevisionCheck extends CheckBase {
  kind: 'running-revision';
  equals: string;
}

export function runningRevision(check: RunningRevisionCheck, ctx: EvalContext): Outcome {
  const state = current(ctx);
  const expected = `running revision ${check.equals} (logs/current -> ${check.equals})`;
  const text = state.files[UPDATE_FILES.logsCurrent];
  if (text === undefined) return { pass: false, expected, actual: `${UPDATE_FILES.logsCurrent} missing` };
  const rev = state.runningRevision;
  if (rev === undefined) return { pass: false, expected, actual: `logs/current -> ${JSON.stringify(text.trim())}: no revision` };
  const shown = text.trim() === rev ? rev : `${text.trim()} (revision ${rev})`;
  return { pass: rev === check.equals, expected, actual: `logs/current -> ${shown}` };
}

export const KIND: CheckKind<RunningRevisionCheck> = {
  kind: 'running-revision',
  schema: {
    description: 'the device runs this revision: readlink STORAGE_PATH/logs/current names it',
    properties: { equals: REVISION_SCHEMA },
    required: ['equals'],
  },
  files: () => [UPDATE_FILES.logsCurrent],
  evaluate: runningRevision,
  evidence: (_c, p, exec) => [showSource(RUNNING_REVISION, p, exec)],
  condition: (c, code) => `the device runs revision ${code(c.equals)} (${code('readlink logs/current')} names it)`,
};
