import * as path from 'node:path';

export type StorageFailureKind = 'full' | 'readonly' | 'cantopen' | 'io' | 'corrupt' | 'too-new' | 'other';

export interface StorageFailure {
  kind: StorageFailureKind;
  /** For status and alerts: what is wrong and what the user can do. */
  message: string;
}

/** SQLite result codes and errno names, folded into what the user has to do about them. */
const KINDS: Record<string, StorageFailureKind> = {
  SQLITE_FULL: 'full',
  ENOSPC: 'full',
  EDQUOT: 'full',
  EFBIG: 'full',
  SQLITE_READONLY: 'readonly',
  SQLITE_PERM: 'readonly',
  SQLITE_AUTH: 'readonly',
  EACCES: 'readonly',
  EPERM: 'readonly',
  EROFS: 'readonly',
  SQLITE_CANTOPEN: 'cantopen',
  ENOENT: 'cantopen',
  SQLITE_IOERR: 'io',
  EIO: 'io',
  SQLITE_CORRUPT: 'corrupt',
  SQLITE_NOTADB: 'corrupt',
};

/** Names the failure of a ledger write or open in words a user can act on. */
export function describeStorageFailure(err: unknown, file: string): StorageFailure {
  const dir = path.dirname(file);
  const code = errorCode(err);
  const kind =
    err instanceof Error && err.name === 'SchemaTooNewError'
      ? 'too-new'
      : ((code && KINDS[code]) ?? guessFromMessage(err));
  const tail = 'requests are not being recorded';
  switch (kind) {
    case 'full':
      return { kind, message: `disk full — ${tail}; free space in ${dir}` };
    case 'readonly':
      return { kind, message: `read-only store — ${tail}; make ${dir} and ${file} writable` };
    case 'cantopen':
      return { kind, message: `cannot open ${file} — ${tail}; check that ${dir} exists and is writable` };
    case 'io':
      return { kind, message: `disk I/O error on ${file} — ${tail}; check the disk` };
    case 'corrupt':
      return {
        kind,
        message: `${file} is damaged — ${tail}; restart the daemon to move it aside and start a new ledger`,
      };
    case 'too-new':
      return { kind, message: `${messageOf(err)} — ${tail}` };
    default:
      return { kind: 'other', message: `ledger error (${code ?? 'unknown'}: ${messageOf(err)}) — ${tail}` };
  }
}

/** True for failures of the store itself, as opposed to a bad row. */
export function isStorageFailure(err: unknown): boolean {
  const code = errorCode(err);
  return (code !== undefined && code in KINDS) || guessFromMessage(err) !== 'other';
}

function errorCode(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** sqlite3 sometimes reports only through the message, e.g. "SQLITE_FULL: database or disk is full". */
function guessFromMessage(err: unknown): StorageFailureKind {
  const m = messageOf(err);
  if (/SQLITE_FULL|disk is full|ENOSPC/i.test(m)) return 'full';
  if (/SQLITE_READONLY|readonly database|read-only/i.test(m)) return 'readonly';
  if (/SQLITE_CANTOPEN|unable to open/i.test(m)) return 'cantopen';
  if (/SQLITE_IOERR|disk I\/O error/i.test(m)) return 'io';
  if (/SQLITE_CORRUPT|SQLITE_NOTADB|malformed|not a database/i.test(m)) return 'corrupt';
  return 'other';
}
