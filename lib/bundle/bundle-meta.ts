/**
 * A bundle's meta.json read back (make verify-N SNAPSHOT=DIR): parsed once within the JSON
 * bounds and checked against its shape before anything uses it. Every bundle the toolkit writes
 * has one (lib/run/verify.ts bundleMeta): it says which test the bundle is of, the external
 * host its checks resolve against and what the capability probes found, none of which an
 * offline re-check can find again. A bundle without it is refused, never judged with guesses
 * (a missing probe would turn a scenario that needs a capability into SKIPPED). Pure.
 */
import type { BundleMeta } from './bundle.ts';
import { UsageError } from '../tooling/errors.ts';
import { parseJsonBounded } from '../parse/json-bounded.ts';
import { objectOf, optionalOf, recordOf, shapes } from '../report/report-schema.ts';

export const META_BYTES = 2 ** 20;

const probe = objectOf({ present: shapes.bool, probe: shapes.str, seen: shapes.str });
const meta = objectOf({
  tool: shapes.oneOf('pv-ipam-tests'),
  scenario: shapes.str,
  target: shapes.str,
  targetLabel: shapes.str,
  externalHost: shapes.str,
  capturedAt: shapes.str,
  steps: shapes.arrayOf(shapes.str),
  capabilities: optionalOf(recordOf(probe)),
  device: optionalOf(objectOf({ revision: shapes.str, baseline: shapes.str, form: shapes.oneOf('update', 'testing-rollback') })),
});

/** meta.json's text as BundleMeta, or a UsageError naming the file and what is wrong. */
export function parseBundleMeta(text: string, file: string): BundleMeta {
  const parsed = parseJsonBounded(text, { bytes: META_BYTES });
  if ('problem' in parsed) throw new UsageError(`${file} is ${parsed.problem}`);
  const problem = meta(parsed.value, '');
  if (problem) throw new UsageError(`${file} is not a bundle's meta.json: ${problem}`);
  return parsed.value as BundleMeta;
}
