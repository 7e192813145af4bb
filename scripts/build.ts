/**
 * build: the plan's Prerequisites build (every artifact the scenarios stage, plus the image), run
 * in the meta-pantavisor checkout META_PANTAVISOR:
 *   ./kas-container build <release config>:kas/with-workspace.yaml --target pv-example-device-ipam ... --target pantavisor-appengine
 * The release config is the one the checkout has (lib/kas-config.ts: meta-pantavisor moved it from
 * .github/configs/release/ to kas/build-configs/release/ on 2026-04-01; the plan gives the old
 * path); KAS_CONFIG=... overrides it. It says which it used. A config file the checkout lacks:
 * one line naming it, exit 3. DRY_RUN=1 prints the command instead of running it.
 */
import { isMain, main } from '../lib/run/cli.ts';
import { buildCommand } from '../lib/run/build.ts';

if (isMain(import.meta.url)) {
  await main(async () => buildCommand());
}
