import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readUserFile } from '../../../../daemon/cli/readUserFile';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdt-ruf-'));
});
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('readUserFile', () => {
  it('reads a regular file within the cap', () => {
    fs.writeFileSync(path.join(dir, 'a.json'), '{"a":1}');
    expect(readUserFile(path.join(dir, 'a.json'), '--schema', 100).toString()).toBe('{"a":1}');
  });

  it('refuses a file over the cap before reading it, naming the limit', () => {
    fs.writeFileSync(path.join(dir, 'big'), Buffer.alloc(2048));
    expect(() => readUserFile(path.join(dir, 'big'), '--schema', 1024)).toThrow(
      /--schema .*big: is 2 KB; the limit is 1 KB/,
    );
  });

  it('refuses a folder', () => {
    expect(() => readUserFile(dir, '--image', 1024)).toThrow(/is a folder/);
  });

  it.skipIf(process.platform === 'win32')('refuses /dev/zero and a FIFO without hanging', () => {
    expect(() => readUserFile('/dev/zero', '--image', 1024)).toThrow(/not a regular file/);
    const fifo = path.join(dir, 'fifo');
    execFileSync('mkfifo', [fifo]);
    expect(() => readUserFile(fifo, '--image', 1024)).toThrow(/not a regular file/);
  });

  it('says when the file is missing', () => {
    expect(() => readUserFile(path.join(dir, 'nope'), '--image', 1024)).toThrow(/cannot read it \(ENOENT\)/);
  });
});
