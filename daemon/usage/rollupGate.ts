import type { SqliteDb } from './sqlite';

/**
 * Keeps a query's reads and the roller's fold apart. A query reads `rolled_to`, then the
 * rollups, then the raw rows after `rolled_to`; a fold committed between those reads would
 * count its rows twice. Queries share the gate with one another; a fold waits for the queries
 * in progress and holds back new ones until it commits (a few milliseconds).
 */
export class RollupGate {
  private readers = 0;
  private folding: Promise<void> | null = null;
  private drained: (() => void) | null = null;

  async read<T>(work: () => Promise<T>): Promise<T> {
    while (this.folding) await this.folding;
    this.readers++;
    try {
      return await work();
    } finally {
      this.readers--;
      if (this.readers === 0) this.drained?.();
    }
  }

  async exclusive<T>(work: () => Promise<T>): Promise<T> {
    while (this.folding) await this.folding;
    let release!: () => void;
    this.folding = new Promise<void>((resolve) => {
      release = resolve;
    });
    try {
      while (this.readers > 0) {
        await new Promise<void>((resolve) => {
          this.drained = resolve;
        });
      }
      this.drained = null;
      return await work();
    } finally {
      this.folding = null;
      release();
    }
  }
}

const gates = new WeakMap<SqliteDb, RollupGate>();

/** The gate of one connection: queries and the roller of a ledger use the same one. */
export function rollupGate(db: SqliteDb): RollupGate {
  let gate = gates.get(db);
  if (!gate) gates.set(db, (gate = new RollupGate()));
  return gate;
}
