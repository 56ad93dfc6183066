import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Redactor } from '../guard/redact';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
const LEVELS: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface LoggerOptions {
  dir: string;
  redactor: Redactor;
  level?: LogLevel;
  /** Rotate when the file passes this size; keeps `keep` old files. */
  maxBytes?: number;
  keep?: number;
  /** Also echo lines to stderr (foreground mode). */
  echo?: boolean;
}

/**
 * JSON-lines log. Writes go through an append stream so the request path never waits on the
 * disk; rotation happens between writes when the size passes the cap.
 */
export class Logger {
  readonly file: string;
  private stream: fs.WriteStream;
  private bytes: number;
  private level: number;
  private readonly maxBytes: number;
  private readonly keep: number;

  constructor(private readonly opts: LoggerOptions) {
    fs.mkdirSync(opts.dir, { recursive: true, mode: 0o700 });
    this.file = path.join(opts.dir, 'daemon.log');
    this.level = LEVELS[opts.level ?? 'info'];
    this.maxBytes = opts.maxBytes ?? 10 * 1024 * 1024;
    this.keep = opts.keep ?? 3;
    this.bytes = fileSize(this.file);
    this.stream = this.open();
  }

  /** Settings apply live: a new level takes effect with the next line. */
  setLevel(level: LogLevel): void {
    this.level = LEVELS[level];
  }

  debug(msg: string, fields?: Record<string, unknown>): void { this.write('debug', msg, fields); }
  info(msg: string, fields?: Record<string, unknown>): void { this.write('info', msg, fields); }
  warn(msg: string, fields?: Record<string, unknown>): void { this.write('warn', msg, fields); }
  error(msg: string, fields?: Record<string, unknown>): void { this.write('error', msg, fields); }

  write(level: LogLevel, msg: string, fields?: Record<string, unknown>): void {
    if (LEVELS[level] < this.level) return;
    const record = { t: new Date().toISOString(), level, pid: process.pid, msg, ...fields };
    const line = JSON.stringify(this.opts.redactor.value(record)) + '\n';
    if (this.bytes + line.length > this.maxBytes) this.rotate();
    this.bytes += Buffer.byteLength(line);
    this.stream.write(line);
    if (this.opts.echo) process.stderr.write(line);
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.stream.end(resolve));
  }

  private open(): fs.WriteStream {
    const stream = fs.createWriteStream(this.file, { flags: 'a', mode: 0o600 });
    // A full disk must not crash the daemon; requests go on without their log lines.
    stream.on('error', () => undefined);
    return stream;
  }

  private rotate(): void {
    this.stream.end();
    for (let i = this.keep - 1; i >= 1; i--) {
      tryRename(`${this.file}.${i}`, `${this.file}.${i + 1}`);
    }
    tryRename(this.file, `${this.file}.1`);
    this.bytes = 0;
    this.stream = this.open();
  }
}

function fileSize(file: string): number {
  try { return fs.statSync(file).size; } catch { return 0; }
}

function tryRename(from: string, to: string): void {
  try { fs.renameSync(from, to); } catch { /* nothing to rotate */ }
}
