/**
 * The target drivers by name: a preset's `DRIVER=` picks one (none: docker). A new driver is
 * its own file (lib/target/<name>.ts exporting a DriverEntry) and one line here.
 */
import type { Config } from '../config.ts';
import { UsageError } from '../errors.ts';
import type { DriverEntry, TargetDriver, TargetValues, UserLines } from './driver.ts';
import { DOCKER } from './docker.ts';
import { SSH } from './ssh.ts';

export const DRIVERS: Record<string, DriverEntry> = {
  docker: DOCKER,
  ssh: SSH,
};

export const DEFAULT_DRIVER = 'docker';

/** The driver named `name`, or a UsageError (exit 2) naming the known ones. */
export function driverEntry(name: string = DEFAULT_DRIVER, where = 'DRIVER'): DriverEntry {
  const e = Object.hasOwn(DRIVERS, name) ? DRIVERS[name] : undefined;
  if (!e) throw new UsageError(`${where}=${JSON.stringify(name)} is not a target driver (known: ${Object.keys(DRIVERS).join(', ')})`);
  return e;
}

/** The pure user lines of a configuration's driver (the plan document, evidence, echoed lines). */
export function userLinesOf(v: TargetValues & { driver?: string }): UserLines {
  return driverEntry(v.driver).lines(v);
}

/** The live driver of a configuration. */
export function targetDriver(cfg: Config): TargetDriver {
  return driverEntry(cfg.driver).create(cfg);
}
