import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readOrCreateToken, readToken, tokensEqual } from '../../../../daemon/home/token';

describe('token', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdt-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('creates a 0600 random token once and then reads the same one', () => {
    const file = path.join(dir, 'home', 'token');
    const a = readOrCreateToken(file);
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(fs.statSync(path.dirname(file)).mode & 0o777).toBe(0o700);
    expect(readOrCreateToken(file)).toBe(a);
    const other = path.join(dir, 'other', 'token');
    expect(readOrCreateToken(other)).not.toBe(a);
  });

  it('tightens a token file that others can read', () => {
    const file = path.join(dir, 'token');
    fs.writeFileSync(file, 'a'.repeat(64), { mode: 0o644 });
    expect(readToken(file)).toBe('a'.repeat(64));
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
  });

  it('compares tokens exactly', () => {
    expect(tokensEqual('abc', 'abc')).toBe(true);
    expect(tokensEqual('abc', 'abd')).toBe(false);
    expect(tokensEqual('abc', 'abcd')).toBe(false);
    // A presented token the daemon's own starts with, or that starts with it: the lengths differ.
    expect(tokensEqual('abcd', 'abc')).toBe(false);
    expect(tokensEqual('', 'abc')).toBe(false);
    expect(tokensEqual('a'.repeat(64), 'a'.repeat(64))).toBe(true);
  });
});
