/**
 * logs: follow pantavisor.log (FOLLOW=0 prints it once; LOG=appengine shows pv-appengine's own output).
 *   docker exec -t pva-test tail -n +1 -f /var/pantavisor/storage/logs/0/pantavisor/pantavisor.log
 * With a terminal, -t makes Ctrl-C stop tail inside the container too.
 */
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
    const file = cfg.log === 'appengine' ? cfg.appengineOut : cfg.logFile;
    const follow = cfg.follow;
    const args = driver.hostArgv(follow ? ['tail', '-n', '+1', '-f', file] : ['cat', file], { tty: !!process.stdout.isTTY });
    echoCommand(args);
    const r = await $({ nothrow: true, stdio: 'inherit' })`${args}`;
    return r.exitCode === 130 ? 0 : r.exitCode ?? 0;
  });
}
