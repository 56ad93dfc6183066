import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { conduitHome, homeLayout } from '../home/conduitHome';
import { ExitCode, UsageError } from './context';

export interface LogsCommandIo {
  home?: string;
  stdout?: NodeJS.WritableStream;
  stderr?: NodeJS.WritableStream;
  /** Ends --follow; SIGINT does the same when none is given. */
  signal?: AbortSignal;
  pollMs?: number;
}

/**
 * `conduit logs [--follow] [--lines N] [--raw]`: the daemon's log, read straight from the file,
 * so it works when the daemon is down, which is when it is needed most.
 */
export async function logsCommand(argv: string[], io: LogsCommandIo = {}): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      follow: { type: 'boolean', short: 'f', default: false },
      lines: { type: 'string', short: 'n', default: '50' },
      raw: { type: 'boolean', default: false },
    },
  });
  if (positionals.length > 0)
    throw new UsageError(`unexpected "${positionals[0]}"; usage: conduit logs [--follow] [--lines N] [--raw]`);
  const lines = Number(values.lines);
  if (!Number.isInteger(lines) || lines < 0)
    throw new UsageError(`--lines must be a whole number ≥ 0, got "${values.lines}".`);
  const file = path.join(homeLayout(io.home ?? conduitHome()).logsDir, 'daemon.log');
  const out = io.stdout ?? process.stdout;
  const print = (line: string) => {
    if (line) out.write((values.raw ? line : formatLogLine(line)) + '\n');
  };

  if (!fs.existsSync(file)) {
    (io.stderr ?? process.stderr).write(
      `conduit: no daemon log yet at ${file}.${values.follow ? ' Waiting for it…' : ''}\n`,
    );
    if (!values.follow) return ExitCode.ok;
  } else {
    for (const line of readLastLines(file, lines)) print(line);
  }
  if (values.follow) await follow(file, print, io);
  return ExitCode.ok;
}

/** One JSON log line as `time LEVEL message key=value…`; anything else passes through unchanged. */
export function formatLogLine(line: string): string {
  let record: unknown;
  try {
    record = JSON.parse(line);
  } catch {
    return line;
  }
  if (!record || typeof record !== 'object' || Array.isArray(record)) return line;
  const { t, level, msg, pid, ...fields } = record as Record<string, unknown>;
  void pid;
  const rest = Object.entries(fields)
    .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join(' ');
  return [
    String(t ?? ''),
    String(level ?? '')
      .toUpperCase()
      .padEnd(5),
    String(msg ?? ''),
    rest,
  ]
    .filter(Boolean)
    .join(' ');
}

/** The last `n` lines, read backwards in chunks so a large log is not read whole. */
export function readLastLines(file: string, n: number): string[] {
  if (n === 0) return [];
  const fd = fs.openSync(file, 'r');
  try {
    const size = fs.fstatSync(fd).size;
    const chunk = 64 * 1024;
    let pos = size;
    let text = '';
    while (pos > 0) {
      const len = Math.min(chunk, pos);
      pos -= len;
      const buf = Buffer.alloc(len);
      fs.readSync(fd, buf, 0, len, pos);
      text = buf.toString('utf8') + text;
      // n lines need n+1 newlines before them, counting the one that ends the last line.
      if (text.split('\n').length > n + 1) break;
    }
    const all = text.split('\n');
    if (all[all.length - 1] === '') all.pop();
    return all.slice(-n);
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Polls for new lines. Polling (not fs.watch) behaves the same on every platform and sees
 * rotation: when daemon.log is renamed away, the rest of the old file is read, then the new one
 * from its start. The logger's last write to the old file can land after the rename (its stream
 * writes asynchronously), so the old file stays open and is read again on each poll until it
 * has been quiet for a few polls.
 */
async function follow(file: string, print: (line: string) => void, io: LogsCommandIo): Promise<void> {
  const signal = io.signal ?? sigintSignal();
  let fd: number | null = null;
  let ino = -1;
  let pos = 0;
  let partial = '';
  // The file rotated away: its fd, where reading got to, and how many polls it has been quiet.
  let old: { fd: number; pos: number; partial: string; quiet: number } | null = null;
  const readNew = (from: number, at: number, rest: string): { at: number; rest: string; read: boolean } => {
    const buf = Buffer.alloc(64 * 1024);
    let read = false;
    for (;;) {
      const n = fs.readSync(from, buf, 0, buf.length, at);
      if (n === 0) return { at, rest, read };
      read = true;
      at += n;
      const parts = (rest + buf.subarray(0, n).toString('utf8')).split('\n');
      rest = parts.pop() ?? '';
      parts.forEach(print);
    }
  };
  const drain = () => {
    if (fd === null) return;
    ({ at: pos, rest: partial } = readNew(fd, pos, partial));
  };
  const drainOld = () => {
    if (!old) return;
    const r = readNew(old.fd, old.pos, old.partial);
    old = { fd: old.fd, pos: r.at, partial: r.rest, quiet: r.read ? 0 : old.quiet + 1 };
    if (old.quiet >= 4) closeOld();
  };
  const closeOld = () => {
    if (old) fs.closeSync(old.fd);
    old = null;
  };
  const reopen = (st: fs.Stats, fromStart: boolean) => {
    if (fd !== null) {
      closeOld();
      old = { fd, pos, partial, quiet: 0 };
    }
    fd = fs.openSync(file, 'r');
    ino = st.ino;
    pos = fromStart ? 0 : st.size;
    partial = '';
  };
  try {
    const first = statOrNull(file);
    // Start at the end: the last lines were printed already.
    if (first) reopen(first, false);
    while (!signal.aborted) {
      await sleep(io.pollMs ?? 250, signal);
      const st = statOrNull(file);
      if (fd !== null && st && st.ino === ino && st.size < pos) pos = 0; // truncated in place
      drainOld();
      drain();
      if (st && (fd === null || st.ino !== ino)) reopen(st, true); // rotated or created
      drain();
    }
  } finally {
    if (fd !== null) fs.closeSync(fd);
    closeOld();
  }
}

function statOrNull(file: string): fs.Stats | null {
  try {
    return fs.statSync(file);
  } catch {
    return null;
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });
}

function sigintSignal(): AbortSignal {
  const controller = new AbortController();
  process.once('SIGINT', () => controller.abort());
  return controller.signal;
}
