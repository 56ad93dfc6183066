import * as fs from 'node:fs';
import { UsageError } from './context';

/** O_NONBLOCK so that opening a FIFO with no writer returns at once instead of hanging the CLI. */
const NONBLOCK = fs.constants.O_NONBLOCK ?? 0;

const fmt = (bytes: number) =>
  bytes >= 1_048_576 ? `${(bytes / 1_048_576).toFixed(1)} MB` : `${Math.ceil(bytes / 1024)} KB`;

/**
 * Reads a file the user named on the command line (`--image`, `--schema`, a batch or warm file).
 * Only a regular file is read, and only when it is no larger than `maxBytes`, which is checked on
 * the opened descriptor before a byte is read: `/dev/zero`, a FIFO or a folder is refused with a
 * clear error instead of hanging or filling memory.
 */
export function readUserFile(file: string, what: string, maxBytes: number): Buffer {
  let fd: number;
  try {
    fd = fs.openSync(file, fs.constants.O_RDONLY | NONBLOCK);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EISDIR') throw new UsageError(`${what} ${file}: is a folder; give a file.`);
    throw new UsageError(
      `${what} ${file}: cannot read it (${code ?? (err instanceof Error ? err.message : String(err))}).`,
    );
  }
  try {
    const st = fs.fstatSync(fd);
    if (st.isDirectory()) throw new UsageError(`${what} ${file}: is a folder; give a file.`);
    if (!st.isFile())
      throw new UsageError(
        `${what} ${file}: is not a regular file (a device, pipe or socket); save the content to a file and give that.`,
      );
    if (st.size > maxBytes) throw new UsageError(`${what} ${file}: is ${fmt(st.size)}; the limit is ${fmt(maxBytes)}.`);
    // Read at most one byte past the cap, in case the file grew since fstat.
    const buf = Buffer.alloc(Math.min(st.size, maxBytes) + 1);
    let n = 0;
    for (;;) {
      const r = fs.readSync(fd, buf, n, buf.length - n, null);
      if (r === 0) break;
      n += r;
      if (n > maxBytes)
        throw new UsageError(`${what} ${file}: grew past the limit of ${fmt(maxBytes)} while being read.`);
    }
    return buf.subarray(0, n);
  } finally {
    fs.closeSync(fd);
  }
}

/** The caps: the largest inline image any provider takes, and generous bounds for text files. */
export const FILE_LIMITS = {
  image: 20 * 1_048_576,
  schema: 1_048_576,
  /** OpenAI's batch input file limit is 200 MB. */
  batch: 200 * 1_048_576,
  warm: 64 * 1_048_576,
} as const;
