/** shell: docker exec -it pva-test sh (CMD="..." runs one command instead). */
import { $ } from 'zx';
import { EnvironmentError } from '../lib/errors.ts';
import { config, echoCommand, isMain, main } from './common.ts';
import { containerPresence, requireDocker } from './docker.ts';

if (isMain(import.meta.url)) {
  await main(async () => {
    const cfg = config();
    await requireDocker();
    const c = await containerPresence(cfg);
    if (!c.exists || !c.running) throw new EnvironmentError(`container ${cfg.container} is not running (make stage-N up, or KEEP=1 make test-N)`);
    const tty = process.stdin.isTTY ? ['-it'] : ['-i'];
    const cmd = process.env.CMD ? ['sh', '-c', process.env.CMD] : ['sh'];
    const args = ['docker', 'exec', ...tty, cfg.container, ...cmd];
    echoCommand(args);
    const r = await $({ nothrow: true, stdio: 'inherit' })`${args}`;
    return r.exitCode ?? 0;
  });
}
