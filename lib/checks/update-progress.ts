/**
 * kind "update-progress": `pvcontrol steps show-progress REV` reports this status (one of a
 * list), and, if given, this status-msg (observed §11: `{"status":"UPDATED","status-msg":"Update
 * finished, revision not set as rollback point","progress":100,"retries":0,"logs":"..."}`).
 * While pantavisor relaunches (a reboot update, a rollback) pvcontrol exits 255: not yet, never
 * an ERROR of the run. A final status (UPDATED, DONE, WONTGO, ERROR) that is not the expected one
 * stays: the check has failed for good.
 */
import { progressFileName, updateLogsFileName } from '../bundle/bundle.ts';
import { PROGRESS } from '../evidence/progress.ts';
import { showSource } from '../evidence/user-lines.ts';
import { describeProgress, isFinalStatus } from '../parse/pv-progress.ts';
import type { CheckBase, CheckKind } from './kind.ts';
import { current, type EvalContext, type Outcome } from './types.ts';

/** The statuses pantavisor 303584a7 reports (update/update_progress.c). */
export const PROGRESS_STATUSES = ['NEW', 'QUEUED', 'DOWNLOADING', 'INPROGRESS', 'TESTING', 'UPDATED', 'DONE', 'WONTGO', 'ERROR'] as const;

/** A revision as scenarios.json names one: `0` (or another number) or `locals/NAME`. */
export const REVISION_SCHEMA = { type: 'string', pattern: '^([0-9]+|locals/[A-Za-z0-9][A-Za-z0-9._-]{0,63})$' };

export interface UpdateProgressCheck extends CheckBase {
  kind: 'update-progress';
  revision: string;
  status: string | string[];
  statusMsg?: string;
  /**
   * and the report is complete: once the update has logged ERRORs (trails/<rev>/.pv/logs), the
   * report carries them as `logs` (a final status is reported about 1 s before its logs: a check
   * of the logs judged in that second would see none)
   */
  complete?: boolean;
}

function statuses(c: UpdateProgressCheck): string[] {
  return typeof c.status === 'string' ? [c.status] : c.status;
}

function describeExpected(c: UpdateProgressCheck): string {
  const s = statuses(c);
  const what = s.length === 1 ? `status ${s[0]}` : `status one of ${s.join(', ')}`;
  return `${c.revision}: ${what}${c.statusMsg !== undefined ? ` with status-msg ${JSON.stringify(c.statusMsg)}` : ''}`;
}

export function updateProgress(check: UpdateProgressCheck, ctx: EvalContext): Outcome {
  const state = current(ctx);
  const expected = describeExpected(check);
  const got = state.progress[check.revision];
  if (!got) return { pass: false, expected, actual: `${progressFileName(check.revision)} missing` };
  if (got.notAnswering !== undefined) return { pass: false, expected, actual: got.notAnswering };
  const p = got.progress;
  const pass = statuses(check).includes(p.status) && (check.statusMsg === undefined || p.statusMsg === check.statusMsg);
  if (pass && check.complete) {
    const logged = state.files[updateLogsFileName(check.revision)];
    if (logged !== undefined && logged.trim() !== '' && p.logsText === '') {
      return {
        pass: false,
        expected: `${expected}, with the logs it has written`,
        actual: `${describeProgress(p)}, no \`logs\` yet (trails/${check.revision}/.pv/logs has ${logged.trim().split('\n').length} line(s))`,
      };
    }
  }
  return { pass, expected, actual: describeProgress(p), ...(!pass && isFinalStatus(p.status) ? { final: true } : {}) };
}

export const KIND: CheckKind<UpdateProgressCheck> = {
  kind: 'update-progress',
  schema: {
    description: 'pvcontrol steps show-progress REVISION reports this status (or one of these) and, if given, this status-msg; pvcontrol exiting 255 (pantavisor relaunching) is "not yet"',
    properties: {
      revision: REVISION_SCHEMA,
      status: {
        oneOf: [
          { enum: [...PROGRESS_STATUSES] },
          { type: 'array', minItems: 1, uniqueItems: true, items: { enum: [...PROGRESS_STATUSES] } },
        ],
      },
      statusMsg: { type: 'string', description: 'the progress\'s "status-msg", exactly' },
      complete: { type: 'boolean', description: 'and, once the update has logged ERRORs (trails/REVISION/.pv/logs), the report carries them as logs' },
    },
    required: ['revision', 'status'],
  },
  files: (c) => [progressFileName(c.revision), ...(c.complete ? [updateLogsFileName(c.revision)] : [])],
  evaluate: updateProgress,
  evidence: (c, p, exec) => [showSource(PROGRESS, p, exec, c.revision)],
  condition: (c, code) => {
    const s = statuses(c);
    const st = s.length === 1 ? `status ${code(s[0])}` : `a status of ${s.slice(0, -1).map(code).join(', ')} or ${code(s[s.length - 1])}`;
    return `${code(`pvcontrol steps show-progress ${c.revision}`)} reports ${st}${
      c.statusMsg !== undefined ? ` with status-msg ${code(c.statusMsg)}` : ''
    } (while pantavisor relaunches pvcontrol exits 255: not yet)`;
  },
};
