/**
 * logs: follow pantavisor.log (FOLLOW=0 prints it once; LOG=appengine shows pv-appengine's own output).
 *   docker exec -t pva-test tail -n +1 -f /var/pantavisor/storage/logs/0/pantavisor/pantavisor.log
 * With a terminal, -t makes Ctrl-C stop tail inside the container too.
 */
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
    const file = cfg.log === 'appengine' ? cfg.appengineOut : cfg.logFile;
    const follow = cfg.follow;
    const args = driver.hostArgv(follow ? ['tail', '-n', '+1', '-f', file] : ['cat', file], { tty: !!process.stdout.isTTY });
    echoCommand(args);
    const r = await $({ nothrow: true, stdio: 'inherit' })`${args}`;
    return r.exitCode === 130 ? 0 : r.exitCode ?? 0;
  });
}
