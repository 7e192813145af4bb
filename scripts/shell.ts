/** shell: docker exec -it pva-test sh (CMD="..." runs one command instead). */
import { $ } from 'zx';
import { config, echoCommand, isMain, main } from './shared/common.ts';
import { requireDocker, requireRunning } from './shared/docker.ts';
import { targetDriver } from '../lib/target/registry.ts';

if (isMain(import.meta.url)) {
  await main(async () => {
    const cfg = config();
    await requireDocker();
    await requireRunning(cfg);
    const cmd = process.env.CMD ? ['sh', '-c', process.env.CMD] : ['sh'];
    const args = targetDriver(cfg).hostArgv(cmd, { stdin: true, tty: !!process.stdin.isTTY });
    echoCommand(args);
    const r = await $({ nothrow: true, stdio: 'inherit' })`${args}`;
    return r.exitCode ?? 0;
  });
}
