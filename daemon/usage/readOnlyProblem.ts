import * as fs from 'node:fs';
import * as path from 'node:path';

const READ_ONLY_CODES = new Set(['EROFS', 'EACCES', 'EPERM']);

/** access(2) reports a read-only mount (EROFS) even to root, and missing permissions to others. */
export function writeProblem(file: string): Error | null {
  try {
    fs.accessSync(path.dirname(file), fs.constants.W_OK);
    fs.accessSync(file, fs.constants.W_OK);
    return null;
  } catch (err) {
    return err as Error;
  }
}

/** The access error when the ledger's file or folder cannot be written at all, else null. */
export function readOnlyProblem(file: string): Error | null {
  const problem = writeProblem(file);
  return problem && READ_ONLY_CODES.has(String((problem as { code?: unknown }).code)) ? problem : null;
}
