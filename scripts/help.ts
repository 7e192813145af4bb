/** help: the make targets (lib/verbs.ts) and the variables (lib/variables.ts), with their defaults and current values. */
import { isMain, main } from '../lib/run/cli.ts';
import { helpCommand } from '../lib/run/help.ts';

if (isMain(import.meta.url)) {
  await main(async () => helpCommand());
}
