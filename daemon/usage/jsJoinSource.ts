/**
 * `js_join()`, the SQL function the SQLite thread (sqliteWorkerSource.ts) and the export workers
 * (exportWorkerSource.ts) register on their connections: one definition, as source text, since
 * both threads run code given as text (no project imports there). Values as JavaScript prints
 * them (String(x), NULL as ''), joined by commas: SQLite's own text of a double differs ("1.5e-06"
 * for 0.0000015, 17 digits where 16 round-trip), and the CSV export prints in SQL what the CLI
 * printed. One call for several cells, since each call into JavaScript costs about as much as
 * printing a double.
 *
 * Defines `registerJsJoin(db)` for a DatabaseSync connection.
 */
export const JS_JOIN_SOURCE = String.raw`
function registerJsJoin(db) {
  db.function('js_join', { deterministic: true, varargs: true }, (...xs) => {
    let s = xs[0] === null ? '' : String(xs[0]);
    for (let i = 1; i < xs.length; i++) s += xs[i] === null ? ',' : ',' + String(xs[i]);
    return s;
  });
}
`;
