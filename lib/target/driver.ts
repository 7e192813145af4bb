/**
 * A target driver: how the toolkit reaches the Pantavisor it tests. The engine runs every
 * command through `exec`, echoes what a person would type through `userLine`, and never names
 * the transport itself (`docker exec`, `ssh`, ...). A driver is chosen by the target's preset
 * (`DRIVER=docker`; lib/target/registry.ts), and a new one is its own file plus a registry line.
 */
import type { Config } from '../config.ts';

/** What a command in the target gave back. exitCode -1: the host-side deadline killed the call. */
export interface ExecResult {
  stdout: string;
  stderr: string;
  exitCode: number;
}

export interface ExecOptions {
  /** bytes given to the command's stdin (`pvtx add -` reads an export from it) */
  stdin?: Buffer;
  /** host-side deadline of the whole call (each command inside carries its own `timeout -k`) */
  timeoutSecs: number;
}

/** How a user line reads the command's input or terminal. */
export interface LineOptions {
  /** a host file given as the command's stdin: `... < FILE` */
  stdinFrom?: string;
  /** an interactive terminal (a shell) */
  tty?: boolean;
}

/**
 * The host-side lines a person types to do what the toolkit does in the target: pure, so the
 * plan document, the evidence lines (`see:`) and the echoed `+` lines are built without I/O.
 */
export interface UserLines {
  /** `command` is one shell line for the target's sh, already quoted; the result one line for the host's shell */
  userLine(command: string, o?: LineOptions): string;
}

/** What a driver's user lines need of the configuration (lib/config.ts Config has all of it). */
export interface TargetValues {
  container: string;
  /** the ssh driver's: DEVICE=[user@]host[:port], DEVICE_KEY and DEVICE_KNOWN_HOSTS (lib/target/ssh.ts) */
  device?: string;
  deviceKey?: string;
  deviceKnownHosts?: string;
}

/**
 * Making and removing the target, for a driver whose lifecycle is 'boot' (docker: a container
 * from a fresh volume, made by each scenario's boot and removed by its teardown). Each hook
 * echoes the commands it runs as a user would type them; each removes only what the toolkit made.
 */
export interface BootHooks {
  /** what the hooks need on the host, without IMAGE (make down and make clean need no image): one EnvironmentError line (exit 3) */
  requireHost(): Promise<void>;
  /**
   * Makes the target from a fresh state, marked with `runId`, before pv-appengine starts
   * (docker: volume create, run ... sleep infinity); what an earlier run of the toolkit left
   * under the same names is removed first, anything else refused (exit 3).
   */
  create(o: { runId: string }): Promise<void>;
  /** whether the target is there and running (what verify-N, capture-N, shell and logs use) */
  running(): Promise<boolean>;
  /**
   * Starts the appengine the way the scenario's boot does (in the background, its output in
   * `outFile`), with `env` (e.g. PV_LOOP_INDEX_BASE) in its environment; stops it.
   */
  startAppengine(o: { outFile: string; env?: Record<string, string> }): Promise<ExecResult>;
  stopAppengine(o: { timeoutSecs: number }): Promise<ExecResult>;
  /** removes what create made, if the toolkit made it (docker: the loop devices it attached, the container, the volume) */
  remove(): Promise<void>;
  /** removes every target the toolkit made under its label (make clean); returns one line saying what went */
  removeAll(): Promise<string>;
}

export interface TargetDriver extends UserLines {
  /** the driver's name (a preset's DRIVER=) */
  readonly name: string;
  /** one line for reports and errors, e.g. `docker container pva-test` */
  readonly description: string;
  /** runs a shell line in the target under a host-side deadline; a target gone is an EnvironmentError (exit 3) */
  exec(command: string, o: ExecOptions): Promise<ExecResult>;
  /**
   * The host command (argv, no shell) that runs `words` in the target, for what streams or takes
   * the terminal (the live log, `make shell`, `make logs`); `stdin`/`tty` as `docker exec -i`/`-t`.
   */
  hostArgv(words: string[], o?: { stdin?: boolean; tty?: boolean }): string[];
  /** why a call of hostArgv that ended with `r` means the target is gone or unreachable (exit 3), or undefined */
  failure(r: ExecResult): Error | undefined;
  /** copies a host file or directory into the target, and back */
  copyIn(hostPath: string, targetPath: string, o: { timeoutSecs: number }): Promise<ExecResult>;
  copyOut(targetPath: string, hostPath: string, o: { timeoutSecs: number }): Promise<ExecResult>;
  /**
   * 'boot': the toolkit makes the target for each scenario from a fresh state (docker: a container
   * from a fresh volume, pvtx.d staged, pv-appengine started) and removes it after;
   * 'running': the target is a Pantavisor that is already running (a device over SSH): nothing is
   * created or removed, a scenario is installed on it as an update (issue 25).
   */
  readonly lifecycle: 'boot' | 'running';
  /** what the run lock is keyed on (docker: the container name; device: user@host:port) */
  readonly lockKey: string;
  /**
   * The host has what the driver needs and the target can be reached, else one EnvironmentError
   * line (exit 3). docker: the CLI, the daemon and IMAGE; device: ssh and `true` run over ssh.
   */
  requireReachable(): Promise<void>;
  /** only for lifecycle 'boot': make / start / stop / remove the target (docker today: lib/target/docker-boot.ts) */
  boot?: BootHooks;
}

/** A driver as the registry holds it: its pure lines from the values, and the live driver. */
export interface DriverEntry {
  /** one line for `make help` and errors */
  description: string;
  lines(v: TargetValues): UserLines;
  /** the live driver of a configuration (its names, image, timeouts, ...) */
  create(cfg: Config): TargetDriver;
}
