import { DatabaseSync } from '@photostructure/sqlite';
import * as vm from 'node:vm';
import { describe, expect, it } from 'vitest';
import { JS_JOIN_SOURCE } from '../../../../daemon/usage/jsJoinSource';
import { seededRandom } from '../../../fixtures/seededRandom';

// The source both SQLite threads run, evaluated as they evaluate it (plain script text).
const registerJsJoin = vm.runInThisContext(`(() => { ${JS_JOIN_SOURCE}; return registerJsJoin; })()`) as (
  db: InstanceType<typeof DatabaseSync>,
) => void;

describe('js_join, the one definition both SQLite threads register', () => {
  it('prints values as String() does, NULL as nothing, joined by commas', () => {
    const db = new DatabaseSync(':memory:');
    registerJsJoin(db);
    const rand = seededRandom(27);
    const xs = [0.1 + 0.2, 0.0000015, 60.69688854991126, 500, -0, 1e21, ...Array.from({ length: 50 }, () => rand())];
    const row = db
      .prepare(`SELECT js_join(${xs.map(() => '?').join(', ')}) AS s, js_join(NULL, 'x', NULL) AS t`)
      .get(...xs) as { s: string; t: string };
    expect(row.s).toBe(xs.map(String).join(','));
    expect(row.t).toBe(',x,');
    db.close();
  });
});
