/** shell: docker exec -it pva-test sh, or on TARGET=device ssh -t -p 8222 _pv_@HOST sh (CMD="..." runs one command instead). */
import { $ } from 'zx';
import { config, echoCommand, isMain, main } from './shared/common.ts';
import { requireDocker, requireRunning } from './shared/docker.ts';
import { targetDriver } from '../lib/target/registry.ts';

if (isMain(import.meta.url)) {
  await main(async () => {
    const cfg = config();
    const driver = targetDriver(cfg);
    // a running target (a device over ssh) is reached, never looked up in docker
    if (driver.lifecycle === 'running') await driver.requireReachable();
    else {
      await requireDocker();
      await requireRunning(cfg);
    }
    const cmd = process.env.CMD ? ['sh', '-c', process.env.CMD] : ['sh'];
    const args = driver.hostArgv(cmd, { stdin: true, tty: !!process.stdin.isTTY });
    echoCommand(args);
    const r = await $({ nothrow: true, stdio: 'inherit' })`${args}`;
    return r.exitCode ?? 0;
  });
}
