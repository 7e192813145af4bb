/** shell: docker exec -it pva-test sh, or on TARGET=device ssh -t -p 8222 _pv_@HOST sh (CMD="..." runs one command instead). */
import { $ } from 'zx';
import { config } from '../lib/run/inputs.ts';
import { echoCommand } from '../lib/run/output.ts';
import { isMain, main } from '../lib/run/cli.ts';
import { requireRunning } from '../lib/run/exec.ts';
import { targetDriver } from '../lib/target/registry.ts';

if (isMain(import.meta.url)) {
  await main(async () => {
    const cfg = config();
    await requireRunning(cfg);
    const driver = targetDriver(cfg);
    const cmd = process.env.CMD ? ['sh', '-c', process.env.CMD] : ['sh'];
    const args = driver.hostArgv(cmd, { stdin: true, tty: !!process.stdin.isTTY });
    echoCommand(args);
    const r = await $({ nothrow: true, stdio: 'inherit' })`${args}`;
    return r.exitCode ?? 0;
  });
}
