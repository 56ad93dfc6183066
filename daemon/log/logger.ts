import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Writable } from 'node:stream';
import type { Redactor } from '../guard/redact';
import { openPrivateFile, securePrivateDir } from '../home/safePath';
import { isoUtc } from '../platform/isoUtc';

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
  /** Opens the stream the lines are appended to (tests: a disk that stalls or fails). */
  openStream?: (file: string) => Writable;
}

/** How long lines wait to be appended together; warnings and errors go at once. */
const FLUSH_MS = 20;
const FLUSH_BYTES = 64 * 1024;
/**
 * Lines handed to the stream and not yet on disk. Past this, new batches are counted and dropped:
 * a stalled disk must not grow the daemon's memory by a line per request (issue #23), and the
 * lines that matter most are the newest, written once the disk keeps up again.
 */
export const MAX_UNWRITTEN_BYTES = 4 * 1024 * 1024;

/**
 * JSON-lines log. Writes go through an append stream so the request path never waits on the
 * disk; rotation happens between writes when the size passes the cap. Lines are appended in
 * batches of up to 20 ms: each append is handed to the thread pool, which cost about 50 µs of the
 * daemon's CPU per request when every request's line went alone (bench/profile.ts).
 */
export class Logger {
  readonly file: string;
  private stream: Writable;
  private bytes: number;
  private level: number;
  private readonly maxBytes: number;
  private readonly keep: number;
  private pending: string[] = [];
  private pendingBytes = 0;
  private timer: NodeJS.Timeout | null = null;
  /** Lines dropped since the last batch written, said in the next one. */
  private dropped = 0;

  constructor(private readonly opts: LoggerOptions) {
    securePrivateDir(opts.dir);
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

  /** Whether a line at this level would be written: for work done only to log it. */
  enabled(level: LogLevel): boolean {
    return LEVELS[level] >= this.level;
  }

  debug(msg: string, fields?: Record<string, unknown>): void {
    this.write('debug', msg, fields);
  }
  info(msg: string, fields?: Record<string, unknown>): void {
    this.write('info', msg, fields);
  }
  warn(msg: string, fields?: Record<string, unknown>): void {
    this.write('warn', msg, fields);
  }
  error(msg: string, fields?: Record<string, unknown>): void {
    this.write('error', msg, fields);
  }

  write(level: LogLevel, msg: string, fields?: Record<string, unknown>): void {
    if (LEVELS[level] < this.level) return;
    const line = this.line(level, msg, fields);
    if (this.bytes + line.length > this.maxBytes) this.rotate();
    const bytes = Buffer.byteLength(line);
    this.bytes += bytes;
    this.pending.push(line);
    this.pendingBytes += bytes;
    if (LEVELS[level] >= LEVELS.warn || this.pendingBytes >= FLUSH_BYTES) this.flush();
    else if (!this.timer) {
      this.timer = setTimeout(() => this.flush(), FLUSH_MS);
      this.timer.unref();
    }
    if (this.opts.echo) process.stderr.write(line);
  }

  /** Appends the lines waiting for their batch now. */
  flush(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    if (this.pending.length === 0) return;
    const lines = this.pending;
    this.pending = [];
    this.pendingBytes = 0;
    // A failed write (a full disk) destroys the stream: open the file again, so logging resumes
    // once there is room, instead of every later line going nowhere.
    if (this.stream.destroyed) {
      try {
        this.stream = this.open();
      } catch {
        // Still no way to the file: these lines are counted like a stalled disk's, not thrown
        // into the request that logged them.
      }
    }
    if (this.stream.destroyed || this.stream.writableLength >= MAX_UNWRITTEN_BYTES) {
      this.dropped += lines.length;
      return;
    }
    if (this.dropped > 0) {
      lines.unshift(this.line('warn', 'log lines dropped: the disk did not keep up', { dropped: this.dropped }));
      this.dropped = 0;
    }
    this.stream.write(lines.join(''));
  }

  private line(level: LogLevel, msg: string, fields?: Record<string, unknown>): string {
    const record = { t: isoUtc(Date.now()), level, pid: process.pid, msg, ...fields };
    return JSON.stringify(this.opts.redactor.value(record)) + '\n';
  }

  close(): Promise<void> {
    this.flush();
    return new Promise((resolve) => this.stream.end(resolve));
  }

  private open(): Writable {
    // Never through a link, never into another user's file: see home/safePath.ts.
    const stream = this.opts.openStream
      ? this.opts.openStream(this.file)
      : fs.createWriteStream('', { fd: openPrivateFile(this.file, 'a') });
    // A full disk must not crash the daemon; requests go on without their log lines.
    stream.on('error', () => undefined);
    return stream;
  }

  private rotate(): void {
    this.flush();
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
  try {
    return fs.statSync(file).size;
  } catch {
    return 0;
  }
}

function tryRename(from: string, to: string): void {
  try {
    fs.renameSync(from, to);
  } catch {
    /* nothing to rotate */
  }
}
