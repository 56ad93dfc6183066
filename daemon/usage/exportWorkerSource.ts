import { JS_JOIN_SOURCE } from './jsJoinSource';

/**
 * An export worker's code, as source text (run with `eval: true`, as sqliteWorkerSource.ts
 * explains: the same from the bundle and from the TypeScript sources under the tests). Plain
 * CommonJS, no project imports. One worker builds every W-th page of an export on a read
 * connection of its own and writes it to the export's file itself, in page order: pages never
 * cross to the main thread (exportWorkers.ts).
 *
 * workerData: { driver, requireFrom, db, fd, sql, params, rowsSql, page, line, first, last, width,
 * index, workers, turn, sizeSql, pieceBytes, gcChars }. Page j holds the ids in (first + j * width, first +
 * (j + 1) * width], up to `last`; this worker builds the pages j with j % workers === index. With
 * `sizeSql` (an export with samples, whose rows can be 200,000 characters each) a page is built in
 * pieces of at most `pieceBytes` of row text (one row at the least), written one after another in
 * its turn, so no piece held in memory is more than that. `turn` is shared:
 * [0] the page whose turn it is to be written, [1] 1 once the export is abandoned, [2] the pages
 * built and not yet written (all workers), [3] the most there ever were: the bound on the
 * export's memory that the tests observe (at most one page a worker).
 *
 * Messages out: { type: 'rows', rows } (a page's lines that need JavaScript's printing: the main
 * thread answers { lines }), { type: 'done', rows, heapLimit, longestText, heapUsedMax, collections }
 * (heapUsedMax: the heap in use after its full GCs, at the most; heapLimit: this
 * isolate's heap limit in bytes, which says whether its resourceLimits held; longestText: the most
 * characters of CSV it held at once) or { type: 'error', error: { message, code } }.
 */
export const EXPORT_WORKER_SOURCE = String.raw`
'use strict';
${JS_JOIN_SOURCE}
const { parentPort, workerData: w } = require('node:worker_threads');
const { createRequire } = require('node:module');
const fs = require('node:fs');

const turn = new Int32Array(w.turn);
const PAGE = new RegExp(w.page);
const LINE = new RegExp(w.line);

function load() {
  if (w.driver === 'node:sqlite') return require('node:sqlite');
  return createRequire(w.requireFrom)(w.driver);
}

// The main thread's answer to the last 'rows' message: the lines it printed from those rows.
let answer = null;
parentPort.on('message', (m) => {
  const a = answer;
  answer = null;
  if (a) a(m.lines);
});
const printed = (rows) =>
  new Promise((resolve) => {
    answer = resolve;
    parentPort.postMessage({ type: 'rows', rows });
  });

// Blocks until page j may be written; false when the export was abandoned meanwhile.
function waitTurn(j) {
  for (;;) {
    if (Atomics.load(turn, 1) !== 0) return false;
    const now = Atomics.load(turn, 0);
    if (now === j) return true;
    // A bounded wait only so that an abandoned export is noticed; a write wakes it at once.
    Atomics.wait(turn, 0, now, 1000);
  }
}

let longestText = 0;

// A full GC of this isolate after each w.gcChars characters written (exportWorkers.ts GC_CHARS):
// reached as platform/fullGc.ts does; null where the runtime refuses, or when w.gcChars is 0.
const v8 = require('node:v8');
let collect = null;
if (w.gcChars > 0 && typeof globalThis.gc === 'function') collect = globalThis.gc;
else if (w.gcChars > 0) {
  try {
    v8.setFlagsFromString('--expose-gc');
    collect = require('node:vm').runInNewContext('gc');
  } catch {
    collect = null;
  }
}
let sinceGc = 0;
let collections = 0;
let heapUsedMax = 0;

// The bounds of a page's pieces: lo, then ids after which the row text so far passes pieceBytes
// (a piece holds one row at the least), then hi. sized: [{ id, bytes }] in id order.
function pieces(sized, lo, hi) {
  const cuts = [lo];
  let bytes = 0;
  for (let i = 0; i < sized.length; i++) {
    if (bytes > 0 && bytes + sized[i].bytes > w.pieceBytes) {
      cuts.push(sized[i - 1].id);
      bytes = 0;
    }
    bytes += sized[i].bytes;
  }
  cuts.push(hi);
  return cuts;
}

async function run() {
  const mod = load();
  const db = new mod.DatabaseSync(w.db, { readOnly: true });
  try {
    // The page SQL's doubles as String() prints them, as on the SQLite thread (jsJoinSource.ts).
    registerJsJoin(db);
    db.exec('PRAGMA busy_timeout = 5000');
    // A scan by id reads each page of the table once: a small cache is as fast and 1.5 MB smaller.
    db.exec('PRAGMA cache_size = -512');
    const page = db.prepare(w.sql);
    const rowsById = db.prepare(w.rowsSql);
    const sizes = w.sizeSql ? db.prepare(w.sizeSql) : null;
    // One read transaction for the whole export: every page from one snapshot of the ledger.
    db.exec('BEGIN');
    let rows = 0;
    // The text of ids (lo, hi], every line as the CLI prints it.
    async function build(lo, hi) {
      const r = page.get(...w.params, lo, hi);
      if (!r || r.n === 0 || r.csv === null) return '';
      rows += r.n;
      let text = r.csv;
      if (PAGE.test(text)) return text;
      const ids = String(r.ids).split(',').map(Number);
      const lines = text.split('\n');
      text = '';
      const slow = [];
      if (lines.length !== ids.length) for (let i = 0; i < ids.length; i++) slow.push(i);
      else for (let i = 0; i < lines.length; i++) if (!LINE.test(lines[i])) slow.push(i);
      const found = rowsById.all(JSON.stringify(slow.map((i) => ids[i]))).map((x) => Object.assign({}, x));
      const fixed = await printed(found);
      lines.length = ids.length;
      slow.forEach((at, k) => { lines[at] = fixed[k]; });
      return lines.join('\n');
    }
    // Synchronous: the text's bytes are freed on return, and the next page waits for nothing.
    // The line break on its own: appended to the text, it would make V8 copy all of it.
    function write(text) {
      if (text === '') return;
      if (text.length > longestText) longestText = text.length;
      fs.writeSync(w.fd, text);
      fs.writeSync(w.fd, '\n');
      sinceGc += text.length;
      if (collect && sinceGc >= w.gcChars) {
        sinceGc = 0;
        collect();
        collections++;
        heapUsedMax = Math.max(heapUsedMax, v8.getHeapStatistics().used_heap_size);
      }
    }
    for (let j = w.index; w.first + j * w.width < w.last; j += w.workers) {
      const lo = w.first + j * w.width;
      const hi = Math.min(lo + w.width, w.last);
      const cuts = sizes ? pieces(sizes.all(lo, hi), lo, hi) : [lo, hi];
      let text = await build(cuts[0], cuts[1]);
      const held = Atomics.add(turn, 2, 1) + 1;
      for (let most = Atomics.load(turn, 3); held > most; most = Atomics.load(turn, 3))
        if (Atomics.compareExchange(turn, 3, most, held) === most) break;
      if (!waitTurn(j)) break;
      write(text);
      text = '';
      Atomics.sub(turn, 2, 1);
      // The page's other pieces, built and written in its turn: one piece in memory at a time.
      let k = 2;
      for (; k < cuts.length && Atomics.load(turn, 1) === 0; k++) write(await build(cuts[k - 1], cuts[k]));
      if (k < cuts.length) break;
      Atomics.store(turn, 0, j + 1);
      Atomics.notify(turn, 0);
    }
    db.exec('COMMIT');
    return rows;
  } finally {
    db.close();
  }
}

// The worker ends on its own once it has said so (a port closed, nothing left to run): ending it
// from outside while the binding is inside SQLite is not safe.
run().then((rows) => {
  const heapLimit = v8.getHeapStatistics().heap_size_limit;
  parentPort.postMessage({ type: 'done', rows, heapLimit, longestText, heapUsedMax, collections });
  parentPort.close();
}, (e) => {
  Atomics.store(turn, 1, 1);
  Atomics.notify(turn, 0);
  const error = { message: e && typeof e.message === 'string' ? e.message : String(e) };
  if (e && typeof e.code === 'string') error.code = e.code;
  if (e && typeof e.errcode === 'number') error.code = 'SQLITE_' + e.errcode;
  parentPort.postMessage({ type: 'error', error });
  parentPort.close();
});
`;
