/** load: docker load < $IMAGE_TAR (the appengine image the kas build deployed). DRY_RUN=1 prints it. */
import { existsSync } from 'node:fs';
import { EnvironmentError } from '../lib/errors.ts';
import { config } from '../lib/run/inputs.ts';
import { echoCommand, say } from '../lib/run/output.ts';
import { isMain, main } from '../lib/run/cli.ts';
import { requireDocker } from '../lib/target/docker-boot.ts';
import { loadImage } from '../lib/target/docker.ts';

if (isMain(import.meta.url)) {
  await main(async () => {
    const cfg = config();
    echoCommand(['docker', 'load', '-i', cfg.imageTar]);
    if (cfg.dryRun) return 0;
    if (!existsSync(cfg.imageTar)) throw new EnvironmentError(`${cfg.imageTar} not found; run make build first (or set IMAGE_TAR=)`);
    await requireDocker();
    const r = await loadImage(cfg.imageTar);
    if (r.exitCode !== 0) throw new EnvironmentError(`docker load failed: ${r.stderr.trim()}`);
    say(r.stdout.trim());
  });
}
