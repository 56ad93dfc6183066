import { JS_JOIN_SOURCE } from './jsJoinSource';

/**
 * The SQLite thread's code, as source text: a worker started with `eval: true` runs the same way
 * from the bundle (dist/daemon.js, dist/cli.js) and from the TypeScript sources under the tests,
 * with no separate file to find at run time. Plain CommonJS, no project imports: it holds any
 * number of connections (sqliteThread.ts) and answers one message at a time, in order.
 *
 * Messages in: { id, conn, op: 'open' | 'run' | 'get' | 'all' | 'exec' | 'close' | 'trim', ... }.
 * Messages out: { id, ok: true, value } or { id, ok: false, error: { message, code, errno, name } }.
 */
export const SQLITE_WORKER_SOURCE = String.raw`
'use strict';
${JS_JOIN_SOURCE}
const { parentPort, workerData } = require('node:worker_threads');
const { createRequire } = require('node:module');

// SQLite's primary result codes by number, so errors carry the same code names as before
// (storageFailure.ts folds SQLITE_FULL, SQLITE_CORRUPT, ... into what the user can do).
const NAMES = ['SQLITE_OK', 'SQLITE_ERROR', 'SQLITE_INTERNAL', 'SQLITE_PERM', 'SQLITE_ABORT', 'SQLITE_BUSY',
  'SQLITE_LOCKED', 'SQLITE_NOMEM', 'SQLITE_READONLY', 'SQLITE_INTERRUPT', 'SQLITE_IOERR', 'SQLITE_CORRUPT',
  'SQLITE_NOTFOUND', 'SQLITE_FULL', 'SQLITE_CANTOPEN', 'SQLITE_PROTOCOL', 'SQLITE_EMPTY', 'SQLITE_SCHEMA',
  'SQLITE_TOOBIG', 'SQLITE_CONSTRAINT', 'SQLITE_MISMATCH', 'SQLITE_MISUSE', 'SQLITE_NOLFS', 'SQLITE_AUTH',
  'SQLITE_FORMAT', 'SQLITE_RANGE', 'SQLITE_NOTADB'];
const MAX_STATEMENTS = 128;

// Connection number -> { db, statements }: each connection keeps its own prepared statements.
const connections = new Map();
let mod = null;

function load() {
  const driver = workerData.driver;
  if (driver === 'node:sqlite') return require('node:sqlite');
  return createRequire(workerData.requireFrom)(driver);
}

function toError(e, op) {
  const message = e && typeof e.message === 'string' ? e.message : String(e);
  if (e && typeof e.errcode === 'number') {
    const primary = e.errcode & 0xff;
    const code = NAMES[primary] || 'SQLITE_ERROR';
    return { message: code + ': ' + message, code, errno: primary, name: 'Error' };
  }
  const out = { message, name: op === 'load' ? 'NativeModuleError' : (e && e.name) || 'Error' };
  if (e && typeof e.code === 'string') out.code = e.code;
  if (e && typeof e.errno === 'number') out.errno = e.errno;
  return out;
}

function statement(c, sql) {
  const statements = c.statements;
  let st = statements.get(sql);
  if (st) {
    // Most recently used last, so the oldest is dropped first.
    statements.delete(sql);
  } else {
    st = c.db.prepare(sql);
    if (statements.size >= MAX_STATEMENTS) statements.delete(statements.keys().next().value);
  }
  statements.set(sql, st);
  return st;
}

function plain(row) {
  return row === undefined ? undefined : Object.assign({}, row);
}

function connection(m) {
  const c = connections.get(m.conn);
  if (!c) throw Object.assign(new Error('Database is closed'), { errcode: 21 });
  return c;
}

function handle(m) {
  switch (m.op) {
    case 'open': {
      if (!mod) {
        try { mod = load(); } catch (e) { throw Object.assign(e instanceof Error ? e : new Error(String(e)), { conduitLoad: true }); }
      }
      // The options the previous binding (sqlite3) had: no foreign keys unless a database turns
      // them on, and SQLite's default acceptance of double-quoted string literals.
      const db = new mod.DatabaseSync(m.file, {
        readOnly: !!m.readOnly, enableForeignKeyConstraints: false, enableDoubleQuotedStringLiterals: true,
      });
      connections.set(m.conn, { db, statements: new Map() });
      // The CSV export's doubles as String() prints them (jsJoinSource.ts).
      registerJsJoin(db);
      return undefined;
    }
    case 'run': {
      const r = statement(connection(m), m.sql).run(...m.params);
      return { changes: Number(r.changes) };
    }
    case 'get': return plain(statement(connection(m), m.sql).get(...m.params));
    case 'all': return statement(connection(m), m.sql).all(...m.params).map(plain);
    case 'exec': connection(m).db.exec(m.sql); return undefined;
    case 'close': {
      const c = connections.get(m.conn);
      if (!c) return undefined;
      connections.delete(m.conn);
      c.statements.clear();
      c.db.close();
      return undefined;
    }
    case 'trim': return trim();
    default: throw new Error('unknown SQLite operation ' + m.op);
  }
}

// The full collector, reached as platform/fullGc.ts does for the main isolate; null where refused.
// Not named gc: once a thread of the process has set --expose-gc, isolates started later have a
// global gc, and a top-level declaration of that name would stop this script from loading.
let fullCollector;
function collector() {
  if (fullCollector !== undefined) return fullCollector;
  fullCollector = typeof globalThis.gc === 'function' ? globalThis.gc : null;
  if (fullCollector) return fullCollector;
  try {
    require('node:v8').setFlagsFromString('--expose-gc');
    fullCollector = require('node:vm').runInNewContext('gc');
  } catch {
    fullCollector = null;
  }
  return fullCollector;
}

// What a burst of questions leaves on this thread, given back: each connection's page cache
// beyond what it uses (shrink_memory) and the isolate's garbage, its old space compacted
// (platform/compactingGc.ts says why). Answers the heap before and after.
function trim() {
  const v8 = require('node:v8');
  const before = v8.getHeapStatistics();
  for (const c of connections.values()) c.db.exec('PRAGMA shrink_memory');
  const collect = collector();
  if (collect) {
    let compacting = false;
    try {
      v8.setFlagsFromString('--compact-on-every-full-gc');
      compacting = true;
    } catch {}
    try {
      collect();
    } finally {
      if (compacting) v8.setFlagsFromString('--no-compact-on-every-full-gc');
    }
  }
  const after = v8.getHeapStatistics();
  return {
    gc: !!collect,
    heapBefore: before.total_heap_size,
    heapAfter: after.total_heap_size,
    usedBefore: before.used_heap_size,
    usedAfter: after.used_heap_size,
  };
}

parentPort.on('message', (m) => {
  try {
    parentPort.postMessage({ id: m.id, ok: true, value: handle(m) });
  } catch (e) {
    parentPort.postMessage({ id: m.id, ok: false, error: toError(e, e && e.conduitLoad ? 'load' : m.op) });
  }
});
`;
