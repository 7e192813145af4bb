/**
 * plan: writes the test plan as Markdown (docs/testplan-ipam.md) and deno.json's tasks from
 * scenarios.json (SCENARIOS=FILE for another), and scenarios.schema.json from the check kinds'
 * definitions (lib/plan-schema.ts). --check writes nothing and exits 1 naming each file that is
 * out of date. --out FILE, --deno-json FILE and --schema FILE write (or check) other files.
 */
import { isMain, main } from '../lib/run/cli.ts';
import { planCommand } from '../lib/run/plan.ts';

if (isMain(import.meta.url, 'plan')) {
  await main(async () => planCommand(process.argv.slice(2)));
}
