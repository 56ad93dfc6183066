import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../../daemon/config/config';
import { readTextFile, splitLines } from '../../../../daemon/platform/textFile';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'conduit-text é '));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('text files written on Windows', () => {
  it('a byte-order mark and CRLF endings read like plain LF text', () => {
    const file = path.join(dir, 'requests é.jsonl');
    fs.writeFileSync(file, '\uFEFF{"a":1}\r\n{"b":2}\r\n');
    expect(splitLines(readTextFile(file))).toEqual(['{"a":1}', '{"b":2}', '']);
  });

  it('config.json saved by Notepad (BOM, CRLF) loads', () => {
    const file = path.join(dir, 'config.json');
    fs.writeFileSync(file, '\uFEFF{\r\n  "logLevel": "debug"\r\n}\r\n');
    expect(loadConfig(file).logLevel).toBe('debug');
  });
});
