import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { formatLogLine, logsCommand } from '../../daemon/cli/logsCommand';
import { Redactor } from '../../daemon/guard/redact';
import { Logger } from '../../daemon/log/logger';

const homes: string[] = [];
afterEach(() => {
  for (const h of homes.splice(0)) fs.rmSync(h, { recursive: true, force: true });
});

function setup(): { home: string; logs: string } {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'cdl-'));
  homes.push(home);
  return { home, logs: path.join(home, 'logs') };
}

function capture(): { out: PassThrough; text: () => string } {
  const out = new PassThrough();
  let text = '';
  out.on('data', (d: Buffer) => {
    text += d.toString('utf8');
  });
  return { out, text: () => text };
}

async function until(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('conduit logs', () => {
  it('prints the last N lines of the daemon log, readable, or raw with --raw', async () => {
    const { home, logs } = setup();
    const logger = new Logger({ dir: logs, redactor: new Redactor() });
    for (let i = 1; i <= 30; i++) logger.info(`line ${i}`, { n: i });
    await logger.close();
    const human = capture();
    expect(await logsCommand(['--lines', '3'], { home, stdout: human.out })).toBe(0);
    const lines = human.text().trim().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^\d{4}-\d{2}-\d{2}T\S+ INFO {2}line 28 n=28$/);
    const raw = capture();
    await logsCommand(['-n', '2', '--raw'], { home, stdout: raw.out });
    expect(
      raw
        .text()
        .trim()
        .split('\n')
        .map((l) => (JSON.parse(l) as { msg: string }).msg),
    ).toEqual(['line 29', 'line 30']);
  });

  it('says so when there is no log yet', async () => {
    const { home } = setup();
    const err = capture();
    expect(await logsCommand([], { home, stdout: capture().out, stderr: err.out })).toBe(0);
    expect(err.text()).toMatch(/no daemon log yet at .*daemon\.log/);
  });

  it('--follow prints new lines as they are written, across a rotation', async () => {
    const { home, logs } = setup();
    // A tiny cap so that the logger rotates under our feet.
    const logger = new Logger({ dir: logs, redactor: new Redactor(), maxBytes: 600, keep: 2 });
    logger.info('before follow');
    const controller = new AbortController();
    const out = capture();
    const done = logsCommand(['--follow', '--lines', '1'], {
      home,
      stdout: out.out,
      signal: controller.signal,
      pollMs: 20,
    });
    await until(() => out.text().includes('before follow'), 'the initial line');
    // Each line is waited for before the next is written: a follower that lags more than a whole
    // rotation behind (a loaded machine can delay its poll that long) may lose lines, as `tail -F`
    // does; what is tested is that it follows the log into each new file.
    for (let i = 1; i <= 12; i++) {
      logger.info(`followed ${i}`, { pad: 'x'.repeat(60) });
      await until(() => out.text().includes(`followed ${i} `), `line ${i}`);
    }
    controller.abort();
    expect(await done).toBe(0);
    await logger.close();
    expect(fs.existsSync(path.join(logs, 'daemon.log.1'))).toBe(true);
    for (let i = 1; i <= 12; i++) expect(out.text()).toContain(`followed ${i} `);
  });

  it('--follow still prints a line that reaches the old file after it was rotated away', async () => {
    // The logger's stream writes asynchronously: its last batch can land in daemon.log.1 after the
    // rename, when the follower has already moved to the new daemon.log.
    const { home, logs } = setup();
    fs.mkdirSync(logs, { recursive: true });
    const live = path.join(logs, 'daemon.log');
    fs.writeFileSync(live, 'start\n');
    const controller = new AbortController();
    const out = capture();
    const done = logsCommand(['--follow', '--raw', '--lines', '1'], {
      home,
      stdout: out.out,
      signal: controller.signal,
      pollMs: 20,
    });
    await until(() => out.text().includes('start'), 'the initial line');
    fs.appendFileSync(live, 'before rotation\n');
    await until(() => out.text().includes('before rotation'), 'the line before the rotation');
    fs.renameSync(live, `${live}.1`);
    fs.writeFileSync(live, 'in the new file\n');
    await until(() => out.text().includes('in the new file'), 'the new file');
    fs.appendFileSync(`${live}.1`, 'late to the old file\n');
    await until(() => out.text().includes('late to the old file'), 'the late line');
    controller.abort();
    expect(await done).toBe(0);
  });

  it('formats a JSON line and leaves anything else alone', () => {
    expect(formatLogLine('{"t":"2025-01-01T00:00:00.000Z","level":"warn","pid":1,"msg":"hi","a":1,"b":"two"}')).toBe(
      '2025-01-01T00:00:00.000Z WARN  hi a=1 b=two',
    );
    expect(formatLogLine('not json')).toBe('not json');
  });

  it('rejects a bad --lines', async () => {
    const { home } = setup();
    await expect(logsCommand(['--lines', 'many'], { home })).rejects.toThrow(/--lines must be a whole number/);
  });
});
