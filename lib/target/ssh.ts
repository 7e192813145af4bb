/**
 * The ssh driver (TARGET=device, issue 25): the target is a Pantavisor that is already running,
 * reached only over Pantavisor's own SSH (dropbear on :8222 with `-c /usr/bin/fallbear-cmd`).
 * Every command is one argv, never a host shell:
 *   ssh -p PORT [-i KEY -o IdentitiesOnly=yes] -o UserKnownHostsFile=FILE -o StrictHostKeyChecking=yes -o BatchMode=yes
 *       -o ConnectTimeout=N -o ServerAliveInterval=5 -o ServerAliveCountMax=3 USER@HOST LINE
 * LINE is sent as one word: dropbear puts it in SSH_ORIGINAL_COMMAND and fallbear-cmd runs it as
 * `$shell -c "$SSH_ORIGINAL_COMMAND"` in Pantavisor's namespace (`_pv_`) or a container's: one
 * sh reads it, as `docker exec C sh -c LINE` does. Host keys are checked against an explicit
 * file (DEVICE_KNOWN_HOSTS, else ssh's own ~/.ssh/known_hosts), never disabled. Nothing is
 * created or removed: a device is already running.
 */
import { spawn } from 'node:child_process';
import { accessSync, constants, readFileSync, statSync, writeFileSync } from 'node:fs';
import { delimiter } from 'node:path';
import { EnvironmentError, UsageError } from '../tooling/errors.ts';
import { shellQuote as q } from '../tooling/shell-quote.ts';
import { type DeviceAddress, deviceName, parseDevice } from './device-address.ts';
import type { DriverEntry, ExecOptions, ExecResult, LineOptions, TargetDriver, TargetValues, UserLines } from './driver.ts';

/** ssh's ConnectTimeout: seconds to wait for the TCP connection and the key exchange to start */
export const CONNECT_TIMEOUT_SECS = 10;
/** ssh's ServerAliveInterval: a keep-alive after this many quiet seconds, three unanswered end the call */
export const SERVER_ALIVE_SECS = 5;

/** What the ssh driver needs: the device, and the key and known-hosts file if given. */
export interface SshValues {
  device?: string;
  deviceKey?: string;
  deviceKnownHosts?: string;
}

/** The known-hosts file ssh checks the device against: DEVICE_KNOWN_HOSTS, else ssh's own. */
export function knownHostsOf(v: SshValues, home = process.env.HOME ?? '~'): string {
  return v.deviceKnownHosts || `${home}/.ssh/known_hosts`;
}

/** ssh's options before USER@HOST: port, key, the host-key file and its strict checking, batch mode, the connect deadline. */
export function sshOptions(a: DeviceAddress, v: SshValues, home?: string): string[] {
  return [
    '-p',
    String(a.port),
    // the key given and no other (not the agent's, not ~/.ssh/id_*): a wrong key is refused, never rescued
    ...(v.deviceKey ? ['-i', v.deviceKey, '-o', 'IdentitiesOnly=yes'] : []),
    '-o',
    `UserKnownHostsFile=${knownHostsOf(v, home)}`,
    '-o',
    'StrictHostKeyChecking=yes',
    '-o',
    'BatchMode=yes',
    '-o',
    `ConnectTimeout=${CONNECT_TIMEOUT_SECS}`,
    // a device that stops answering (power lost, a reboot without closing the connection) ends
    // the call in about 15 s (exit 255, `Timeout, server ... not responding.`), not at its deadline
    '-o',
    `ServerAliveInterval=${SERVER_ALIVE_SECS}`,
    '-o',
    'ServerAliveCountMax=3',
  ];
}

/**
 * The argv of one ssh call running `line` (one sh line, sent as one word; none: the login
 * shell): `-n` when nothing is given on stdin (ssh would read the host's terminal otherwise),
 * `-t` for a terminal.
 */
export function sshArgv(a: DeviceAddress, v: SshValues, line: string | undefined, o: { stdin?: boolean; tty?: boolean } = {}, home?: string): string[] {
  const io = o.tty ? ['-t'] : o.stdin ? [] : ['-n'];
  return ['ssh', ...sshOptions(a, v, home), ...io, `${a.user}@${a.host}`, ...(line === undefined ? [] : [line])];
}

/**
 * `ssh [-t] -p PORT [-i KEY] [-o UserKnownHostsFile=FILE] USER@HOST 'LINE' [< FILE]`, as a person
 * types it: the options a person leaves to ssh (strict checking is ssh's default on a terminal,
 * the default known-hosts file) are left out.
 */
export function sshLines(a: DeviceAddress, v: SshValues): UserLines {
  return {
    userLine: (command: string, o: LineOptions = {}) =>
      [
        'ssh',
        ...(o.tty ? ['-t'] : []),
        '-p',
        String(a.port),
        ...(v.deviceKey ? ['-i', q(v.deviceKey)] : []),
        ...(v.deviceKnownHosts ? [q(`UserKnownHostsFile=${v.deviceKnownHosts}`)].flatMap((x) => ['-o', x]) : []),
        q(`${a.user}@${a.host}`),
        ...(command ? [q(command)] : []),
        ...(o.stdinFrom !== undefined ? ['<', q(o.stdinFrom)] : []),
      ].join(' '),
  };
}

/**
 * Why an ssh call that ended with `r` did not reach the device (ssh's own failures end with
 * exit 255), one line for an EnvironmentError (exit 3): refused, unreachable, the key refused,
 * the host key unknown or changed, the connection closed before login or in the middle of the
 * command (a reboot). undefined: the command ran and `r` is its own result.
 */
export function sshFailure(a: DeviceAddress, v: SshValues, r: ExecResult, home?: string): EnvironmentError | undefined {
  if (r.exitCode !== 255) return undefined;
  const lines = r.stderr.split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
  const last = lines.at(-1) ?? '(no message)';
  const err = lines.join('\n');
  const dev = deviceName(a);
  const file = knownHostsOf(v, home);
  const at = `${a.host.includes(':') ? `[${a.host}]` : a.host}:${a.port}`;
  if (/REMOTE HOST IDENTIFICATION HAS CHANGED|Host key for .* has changed/.test(err)) {
    return new EnvironmentError(
      `device ${dev}: its host key is not the one ${file} holds for it (changed: a re-flashed device, or another machine at that address); after checking the new key is the device's: ssh-keygen -R ${
        q(a.port === 22 ? a.host : `[${a.host}]:${a.port}`)
      } -f ${q(file)}; ssh-keyscan -p ${a.port} ${q(a.host)} >> ${q(file)}`,
    );
  }
  if (/Host key verification failed|No .* host key is known for/.test(err)) {
    return new EnvironmentError(
      `device ${dev}: its host key is not in ${file} (unknown host; host keys are always checked); after checking it is the device's (ssh-keyscan prints it): ssh-keyscan -p ${a.port} ${
        q(a.host)
      } >> ${q(file)}, or give DEVICE_KNOWN_HOSTS=FILE`,
    );
  }
  if (/Permission denied \(/.test(err)) {
    return new EnvironmentError(
      `device ${dev} refused the key${
        v.deviceKey ? ` ${v.deviceKey}` : ''
      } (${last}): give DEVICE_KEY= the private key whose public half the device has as its authorized key (PV_DEBUG_SSH_AUTHORIZED_KEYS)`,
    );
  }
  if (/Connection refused/.test(err)) {
    return new EnvironmentError(`device ${dev}: nothing listens on ${at} (${last}): is Pantavisor's SSH on (PV_DEBUG_SSH=1) and is ${a.port} its port?`);
  }
  if (/timed out|No route to host|Network is unreachable|Could not resolve hostname|Name or service not known|Temporary failure in name resolution/.test(err)) {
    return new EnvironmentError(`device ${dev} cannot be reached (${last})`);
  }
  if (/Connection to \S+ closed by remote host|client_loop: send disconnect|Broken pipe/.test(err) && !/kex_exchange_identification|banner exchange/.test(err)) {
    return new EnvironmentError(`device ${dev} closed the connection in the middle of the command (a reboot?): ${last}`);
  }
  if (/Timeout, server .* not responding/.test(err)) {
    return new EnvironmentError(`device ${dev} stopped answering in the middle of the command (a reboot, or power lost?): ${last}`);
  }
  if (/kex_exchange_identification|banner exchange|Connection closed by|Connection reset by/.test(err)) {
    return new EnvironmentError(`device ${dev} closed the connection before login (is its SSH starting, or is ${at} not Pantavisor's SSH?): ${last}`);
  }
  // 255 is also a command's own status (Test 6's `pvcontrol containers stop` returns it on a real
  // build, allowStatus): with no line of ssh's own, the command ran and `r` is its result
  if (!lines.some((l) => /^(ssh|ssh_\w+|kex_\w+|client_loop|channel \d+|mux_\w+|Warning): /.test(l))) return undefined;
  return new EnvironmentError(`ssh to ${dev} failed (exit 255): ${last}`);
}

/** One host process (in its own process group), its stdin fed from `input`, its stdout as bytes; exit -1 when the deadline killed it. */
export function run(argv: string[], o: { input?: Buffer; timeoutSecs: number }): Promise<{ stdout: Buffer; stderr: string; exitCode: number }> {
  return new Promise((resolve) => {
    const [cmd, ...args] = argv;
    // in its own process group, like the docker CLI's calls (lib/target/docker.ts): a terminal's
    // Ctrl-C is the interrupt handler's to act on, never a cut-short call's
    const child = spawn(cmd, args, { stdio: [o.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'], detached: true });
    const out: Buffer[] = [];
    let stderr = '';
    let killed = false;
    const timer = setTimeout(() => {
      killed = true;
      child.kill('SIGKILL');
    }, o.timeoutSecs * 1000);
    child.stdout!.on('data', (d: Buffer) => out.push(d));
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    if (o.input !== undefined) {
      child.stdin!.on('error', () => {}); // the command may end without reading all of it
      child.stdin!.end(o.input);
    }
    child.on('error', (e) => {
      clearTimeout(timer);
      resolve({ stdout: Buffer.alloc(0), stderr: `${cmd}: ${e.message}`, exitCode: 127 });
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ stdout: Buffer.concat(out), stderr, exitCode: killed ? -1 : code ?? -1 });
    });
  });
}

/** Whether `cmd` is an executable file in one of PATH's directories. */
export function onPath(cmd: string, path = process.env.PATH ?? ''): boolean {
  return path.split(delimiter).filter(Boolean).some((dir) => {
    try {
      accessSync(`${dir}/${cmd}`, constants.X_OK);
      return statSync(`${dir}/${cmd}`).isFile();
    } catch {
      return false;
    }
  });
}

function readableFile(path: string): boolean {
  try {
    accessSync(path, constants.R_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** The values of the ssh driver, from the configuration's: DEVICE parsed (a UsageError when bad). */
function addressOf(v: TargetValues): DeviceAddress {
  return parseDevice(v.device);
}

export function sshDriver(v: TargetValues): TargetDriver {
  const a = addressOf(v);
  // ssh would only warn of a key it cannot read, and go on with others
  if (v.deviceKey && !readableFile(v.deviceKey)) throw new UsageError(`DEVICE_KEY=${v.deviceKey} is not a readable file (ssh's private key for the device)`);
  const dev = deviceName(a);
  const call = async (line: string, timeoutSecs: number, input?: Buffer): Promise<{ stdout: Buffer; stderr: string; exitCode: number }> => {
    const r = await run(sshArgv(a, v, line, { stdin: input !== undefined }), { input, timeoutSecs });
    const failed = sshFailure(a, v, { stdout: '', stderr: r.stderr, exitCode: r.exitCode });
    if (failed) throw failed;
    return r;
  };
  const text = (r: { stdout: Buffer; stderr: string; exitCode: number }): ExecResult => ({ stdout: r.stdout.toString(), stderr: r.stderr, exitCode: r.exitCode });
  const parentOf = (p: string) => p.replace(/\/[^/]*\/*$/, '') || '/';
  // no BootHooks: a device is already running, nothing is created or removed (lifecycle 'running')
  const driver: TargetDriver = {
    name: 'ssh',
    description: `device ${dev} (ssh)`,
    lifecycle: 'running' as const,
    lockKey: dev,
    ...sshLines(a, v),
    hostArgv: (words: string[], o: { stdin?: boolean; tty?: boolean } = {}) => sshArgv(a, v, words.length ? words.map(q).join(' ') : undefined, o),
    failure: (r: ExecResult) => sshFailure(a, v, r),
    exec: async (command: string, o: ExecOptions) => text(await call(command, o.timeoutSecs, o.stdin)),
    /** a file is streamed to `cat`, a directory as a tar to `tar -x` (the device has no scp); `targetPath` becomes the copy */
    copyIn: async (hostPath: string, targetPath: string, o: { timeoutSecs: number }): Promise<ExecResult> => {
      if (statSync(hostPath).isDirectory()) {
        const tar = await run(['tar', '-C', hostPath, '-cf', '-', '.'], { timeoutSecs: o.timeoutSecs });
        if (tar.exitCode !== 0) return { stdout: '', stderr: `tar: ${tar.stderr.trim()}`, exitCode: tar.exitCode };
        return text(await call(`mkdir -p ${q(targetPath)} && tar -xf - -C ${q(targetPath)}`, o.timeoutSecs, tar.stdout));
      }
      return text(await call(`mkdir -p ${q(parentOf(targetPath))} && cat > ${q(targetPath)}`, o.timeoutSecs, readFileSync(hostPath)));
    },
    /** a file comes back through `cat`, a directory as a tar (its first byte says which); `hostPath` becomes the copy */
    copyOut: async (targetPath: string, hostPath: string, o: { timeoutSecs: number }): Promise<ExecResult> => {
      const t = q(targetPath);
      const r = await call(`if [ -d ${t} ]; then printf D && tar -C ${t} -cf - .; elif [ -f ${t} ]; then printf F && cat ${t}; else echo "no such file: ${t}" >&2; exit 1; fi`, o.timeoutSecs);
      if (r.exitCode !== 0) return text(r);
      const kind = r.stdout.subarray(0, 1).toString();
      const body = r.stdout.subarray(1);
      if (kind === 'F') {
        writeFileSync(hostPath, body);
        return { stdout: '', stderr: r.stderr, exitCode: 0 };
      }
      const mk = await run(['mkdir', '-p', hostPath], { timeoutSecs: o.timeoutSecs });
      if (mk.exitCode !== 0) return { stdout: '', stderr: mk.stderr, exitCode: mk.exitCode };
      const x = await run(['tar', '-xf', '-', '-C', hostPath], { input: body, timeoutSecs: o.timeoutSecs });
      return { stdout: '', stderr: x.stderr, exitCode: x.exitCode };
    },
    requireReachable: async () => {
      if (!onPath('ssh')) throw new EnvironmentError(`ssh is not on PATH: TARGET=device reaches ${dev} with the OpenSSH client (apt-get install openssh-client)`);
      const r = await call('true', CONNECT_TIMEOUT_SECS + 20);
      if (r.exitCode === -1)
        throw new EnvironmentError(`device ${dev} did not answer \`true\` over ssh within ${CONNECT_TIMEOUT_SECS + 20} s${r.stderr.trim() ? ` (last: ${r.stderr.trim().split('\n').pop()})` : ''}`);
      if (r.exitCode !== 0) throw new EnvironmentError(`device ${dev}: \`true\` over ssh ended with ${r.exitCode}: ${r.stderr.trim().split('\n').pop() ?? '(no message)'}`);
    },
  };
  return driver;
}

export const DRIVER: DriverEntry = {
  description: 'a running Pantavisor reached over its own SSH (ssh -p 8222 _pv_@DEVICE)',
  lines: (v) => sshLines(addressOf(v), v),
  create: sshDriver,
};

export { type DeviceAddress, deviceName, parseDevice };
