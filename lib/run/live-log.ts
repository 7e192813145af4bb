/**
 * pantavisor.log of a running appengine, read incrementally: each poll fetches only the bytes
 * written since the last one (`tail -c +N`), streamed into lib/parse/pv-log.ts's parser, so a
 * long-running appengine's 100 MB log costs one read, not one per poll, and is never held as
 * one big string. A file that shrank (replaced) is read again from the start.
 *   docker exec pva-test sh -c 'tail -c +N /var/pantavisor/storage/logs/0/pantavisor/pantavisor.log'
 * The bundle gets the exact bytes that were judged (`head -c N`), streamed to its file.
 */
import { spawn } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import type { Config } from '../config.ts';
import { EnvironmentError } from '../errors.ts';
import { type PvLog, PvLogParser } from '../parse/pv-log.ts';
import { shellQuote as q } from '../shell-quote.ts';
import type { TargetDriver } from '../target/driver.ts';
import { targetDriver } from '../target/registry.ts';

export interface LogSnapshot {
  log: PvLog;
  /** false when the file does not exist (yet) */
  present: boolean;
  /** bytes of the file read so far */
  bytes: number;
  /** bytes up to the last complete line: what the snapshot's lines were parsed from */
  judgedBytes: number;
}

export class LiveLog {
  private parser = new PvLogParser();
  private decoder = new StringDecoder('utf8');
  private offset = 0;
  private complete = 0;
  private present = false;

  private readonly driver: TargetDriver;

  constructor(private readonly cfg: Config) {
    this.driver = targetDriver(cfg);
  }

  /** The command a round runs (what VERBOSE=1 shows). */
  command(): string {
    return `tail -c +${this.offset + 1} ${q(this.cfg.logFile)}`;
  }

  /** Reads what was written since the last refresh; returns a snapshot of the whole log. */
  async refresh(): Promise<LogSnapshot> {
    const f = q(this.cfg.logFile);
    // first line: the file's size before reading (or MISSING); then the bytes from the offset
    const script = `s=$(wc -c < ${f} 2>/dev/null) || { echo MISSING; exit 0; }; echo "$s"; ` +
      `if [ "$s" -lt ${this.offset} ]; then echo FROM 0; timeout -k 2 ${this.cfg.cmdTimeoutSecs} cat ${f}; ` +
      `else echo FROM ${this.offset}; timeout -k 2 ${this.cfg.cmdTimeoutSecs} tail -c +${this.offset + 1} ${f}; fi`;
    await new Promise<void>((resolve, reject) => {
      const [cmd, ...args] = this.driver.hostArgv(['sh', '-c', script]);
      const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
      let head = Buffer.alloc(0);
      let headerDone = false;
      let stderr = '';
      const timer = setTimeout(() => child.kill('SIGKILL'), (this.cfg.cmdTimeoutSecs + 30) * 1000);
      child.stderr.on('data', (d: Buffer) => {
        stderr += d.toString();
      });
      child.stdout.on('data', (d: Buffer) => {
        if (headerDone) return this.consume(d);
        head = Buffer.concat([head, d]);
        // header: "<size>\nFROM <n>\n" or "MISSING\n"
        const text = head.toString('latin1');
        if (text.startsWith('MISSING\n')) {
          headerDone = true;
          this.present = false;
          return;
        }
        const m = /^(\d+)\nFROM (\d+)\n/.exec(text);
        if (!m) return;
        headerDone = true;
        this.present = true;
        if (Number(m[2]) === 0 && this.offset > 0) this.reset();
        this.consume(head.subarray(m[0].length));
      });
      child.on('error', (e) => {
        clearTimeout(timer);
        reject(new EnvironmentError(`${cmd} exec failed: ${e.message}`));
      });
      child.on('close', (code) => {
        clearTimeout(timer);
        const failed = this.driver.failure({ stdout: '', stderr, exitCode: code ?? -1 });
        if (failed) reject(failed);
        else resolve();
      });
    });
    return { log: this.parser.snapshot(), present: this.present, bytes: this.offset, judgedBytes: this.complete };
  }

  private consume(d: Buffer): void {
    if (!d.length) return;
    const nl = d.lastIndexOf(0x0a);
    if (nl >= 0) this.complete = this.offset + nl + 1;
    this.offset += d.length;
    this.parser.push(this.decoder.write(d));
  }

  private reset(): void {
    this.parser = new PvLogParser();
    this.decoder = new StringDecoder('utf8');
    this.offset = 0;
    this.complete = 0;
  }

  /** Streams the first `bytes` bytes of the log (what was judged) into a file. */
  async saveTo(path: string, bytes: number): Promise<void> {
    mkdirSync(dirname(path), { recursive: true });
    await new Promise<void>((resolve, reject) => {
      const out = createWriteStream(path);
      const [cmd, ...args] = this.driver.hostArgv(['head', '-c', String(bytes), this.cfg.logFile]);
      const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'ignore'] });
      child.stdout.pipe(out);
      child.on('error', reject);
      out.on('finish', resolve);
      out.on('error', reject);
    });
  }
}
