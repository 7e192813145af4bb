/**
 * workflow-lint [FILE...]: actionlint on GitHub Actions workflows, default
 * examples/github-actions/*.yml (lib/workflow-lint.ts). Exit: 0 clean, 1 findings, 2 no file.
 */
import { isMain, main } from '../lib/run/cli.ts';
import { workflowLintCommand } from '../lib/workflow-lint.ts';

if (isMain(import.meta.url)) {
  await main(async () => workflowLintCommand(process.argv.slice(2)));
}
