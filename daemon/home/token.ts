import * as fs from 'node:fs';
import * as path from 'node:path';
import { ensurePrivateDir } from './conduitHome';
import { openPrivateFile } from './safePath';

const TOKEN_BYTES = 32;

/** Loaded on use: a warm `conduit ask` reads the token and never needs crypto's 17 modules. */
const crypto = () => process.getBuiltinModule('node:crypto');

/**
 * Reads the per-user token, creating it on first use. Creation writes a temporary file and
 * hard-links it into place, so two processes racing here agree on one token: the loser's link
 * fails with EEXIST and it reads the winner's.
 */
export function readOrCreateToken(tokenFile: string): string {
  const existing = readToken(tokenFile);
  if (existing) return existing;
  ensurePrivateDir(path.dirname(tokenFile));
  const tmp = `${tokenFile}.${process.pid}.${crypto().randomBytes(4).toString('hex')}`;
  // wx: a name planted in the meantime (a link) makes this fail instead of writing through it.
  fs.writeFileSync(tmp, crypto().randomBytes(TOKEN_BYTES).toString('hex'), { mode: 0o600, flag: 'wx' });
  try {
    fs.linkSync(tmp, tokenFile);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  } finally {
    fs.rmSync(tmp, { force: true });
  }
  const token = readToken(tokenFile);
  if (!token) throw new Error(`Could not read the Conduit token at ${tokenFile}. Delete it and try again.`);
  return token;
}

/** The token, when the file exists; one that is a link or another user's is refused (HomeError). */
export function readToken(tokenFile: string): string | undefined {
  let fd: number;
  try {
    fd = openPrivateFile(tokenFile, 'r');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  try {
    const value = fs.readFileSync(fd, 'utf8').trim();
    return value.length >= 32 ? value : undefined;
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Constant-time comparison, so the time to reject leaks nothing about the token. Plain JS rather
 * than crypto's timingSafeEqual: every client's hello is checked here, and an idle daemon would
 * otherwise load crypto for it alone (issue #23). The loop runs over the daemon's own token
 * whatever was presented (its length is no secret to a caller) and never branches on a character.
 */
export function tokensEqual(presented: string, token: string): boolean {
  let diff = presented.length ^ token.length;
  // Past the presented string's end charCodeAt gives NaN, which `^` reads as 0: the length has already counted.
  for (let i = 0; i < token.length; i++) diff |= presented.charCodeAt(i) ^ token.charCodeAt(i);
  return diff === 0;
}
