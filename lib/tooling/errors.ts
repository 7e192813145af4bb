/** Failures that are not check verdicts, each with the exit status the scripts use. */

/** Bad usage or a bad scenarios file: exit 2. */
export class UsageError extends Error {
  readonly exitCode = 2;
}

/** The environment lacks something (docker, image, artifact, container): exit 3. */
export class EnvironmentError extends Error {
  readonly exitCode = 3;
}

/** The run was interrupted (SIGINT/SIGTERM): stop quietly, teardown is already under way. */
export class Interrupted extends Error {}

export const EXIT = { pass: 0, fail: 1, usage: 2, environment: 3 } as const;
