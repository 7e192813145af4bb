/**
 * The engine's one way into the target: a shell script run by the configuration's driver
 * (lib/target/), echoed as the line a user would type; and what the engine asks of a target's
 * lifecycle before it uses one (reachable; for a booted target, running).
 */
import type { Config } from '../tooling/config.ts';
import { EnvironmentError, UsageError } from '../tooling/errors.ts';
import type { BootHooks, ExecResult, TargetDriver } from '../target/driver.ts';
import { targetDriver } from '../target/registry.ts';
import { echoShell, shellQuote } from './output.ts';

export type { ExecResult };

/** Runs a shell script in the target (its driver's exec), echoed as the user line; each command in it carries its own `timeout -k`. */
export async function execInTarget(cfg: Config, script: string, hostTimeoutSecs: number, echo = false, stdin?: Buffer): Promise<ExecResult> {
  const driver = targetDriver(cfg);
  if (echo) echoShell(driver.userLine(`sh -c ${shellQuote(script)}`));
  return driver.exec(script, { timeoutSecs: hostTimeoutSecs, stdin });
}

/** Wraps one command for execution inside the target with an inner timeout. */
export function timed(cfg: Config, command: string): string {
  return `timeout -k 2 ${cfg.cmdTimeoutSecs} ${command}`;
}

/**
 * The driver's lifecycle hooks, for a verb that makes, boots or removes the target (up, down,
 * clean, stage); a target that is already running (a device, lifecycle 'running') is never made or
 * removed: one line, exit 2 (make test-N and capture-N install a scenario on it as an update,
 * lib/run/device-run.ts).
 */
export function bootHooks(cfg: Config, verb: string): { driver: TargetDriver; boot: BootHooks } {
  const driver = targetDriver(cfg);
  if (driver.lifecycle !== 'boot' || !driver.boot) {
    throw new UsageError(
      `TARGET=${cfg.target} is a running device (${driver.description}): ${verb} makes or removes a target, which the toolkit never does to a device; make test-N and capture-N install a scenario on it as an update`,
    );
  }
  return { driver, boot: driver.boot };
}

/** Fails (exit 3) unless the target is reachable and, for a booted one, running; `how` says how to get it there. */
export async function requireRunning(cfg: Config, how = 'make stage-N up, or KEEP=1 make test-N'): Promise<void> {
  const driver = targetDriver(cfg);
  if (!driver.boot) return driver.requireReachable();
  await driver.boot.requireHost();
  if (!(await driver.boot.running())) throw new EnvironmentError(`${driver.description} is not running (${how})`);
}
