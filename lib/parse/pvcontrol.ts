/**
 * Parser for `pvcontrol containers ls` output: pantavisor's `GET /containers`
 * answer, a JSON array such as
 * `[{"name":"pv-example-net-server","group":"root","status":"STARTED",...}]`,
 * possibly followed by a blank line. Errors are printed as `{"Error":"..."}`.
 */

/** One container as reported by pantavisor's control socket. Extra keys are kept. */
export interface PvContainer {
  name: string;
  status: string;
  status_goal?: string;
  group?: string;
  restart_policy?: string;
  roles?: string[];
  user_stopped?: string;
  [k: string]: unknown;
}

/**
 * Returns the containers, or undefined when the text is not a JSON array of
 * container objects (empty output, `{"Error":"..."}`, curl noise).
 */
export function parsePvcontrolContainers(text: string): PvContainer[] | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text.trim());
  } catch {
    return undefined;
  }
  if (!Array.isArray(value) || !value.every(isContainer)) return undefined;
  return value;
}

function isContainer(value: unknown): value is PvContainer {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const record = value as Record<string, unknown>;
  return typeof record.name === 'string' && typeof record.status === 'string';
}
