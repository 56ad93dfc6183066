import * as os from 'node:os';
import * as path from 'node:path';

/** sun_path is 108 bytes on Linux and 104 on macOS; stay under both with the NUL. */
const MAX_SOCKET_PATH = 100;

/** Loaded on use: on Unix with a short home, finding the socket needs no hash, and crypto is 17 modules. */
const sha256 = (text: string) =>
  process.getBuiltinModule('node:crypto').createHash('sha256').update(text).digest('hex');

/**
 * Where the daemon listens. On Unix, a socket inside a private run directory under
 * CONDUIT_HOME, or under the temp dir when that path would be too long for sun_path. On
 * Windows, a named pipe whose name is derived from the secret token, so it cannot be guessed.
 */
export function socketAddress(runDir: string, token: string): { path: string; dir: string | null } {
  if (process.platform === 'win32') {
    const id = sha256(token).slice(0, 32);
    return { path: `\\\\.\\pipe\\conduit-${id}`, dir: null };
  }
  const preferred = path.join(runDir, 'daemon.sock');
  if (Buffer.byteLength(preferred) <= MAX_SOCKET_PATH) return { path: preferred, dir: runDir };
  const uid = typeof process.getuid === 'function' ? process.getuid() : 0;
  const id = sha256(runDir).slice(0, 12);
  const dir = path.join(os.tmpdir(), `conduit-${uid}-${id}`);
  return { path: path.join(dir, 'daemon.sock'), dir };
}
