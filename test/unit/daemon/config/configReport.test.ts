import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { configAlert, loadConfigReport, throwIfInvalid } from '../../../../daemon/config/configReport';
import { configSchema } from '../../../../daemon/config/config';

let dir: string;
let file: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdt-cfg-'));
  file = path.join(dir, 'config.json');
});
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});
const write = (v: unknown) => fs.writeFileSync(file, typeof v === 'string' ? v : JSON.stringify(v));
const defaults = configSchema.parse({});

describe('loadConfigReport keeps every valid setting', () => {
  it('one bad value drops only its key, which takes its default, and says so', () => {
    write({ logLevel: 'debug', budgets: { dailyUsd: 'ten', monthlyUsd: 50 }, resilience: { maxAttempts: 2 } });
    const r = loadConfigReport(file);
    expect(r.config.logLevel).toBe('debug');
    expect(r.config.budgets.monthlyUsd).toBe(50);
    expect(r.config.resilience.maxAttempts).toBe(2);
    expect(r.config.budgets.dailyUsd).toBe(defaults.budgets.dailyUsd);
    expect(r.problems).toHaveLength(1);
    expect(r.problems[0]).toMatchObject({ path: 'budgets.dailyUsd', severity: 'invalid' });
    expect(r.problems[0]?.message).toMatch(/^budgets\.dailyUsd: .*; (the default is in force|it is ignored)/);
    expect(() => throwIfInvalid(r, file)).toThrow(/budgets\.dailyUsd/);
  });

  it('an unknown key (a typo) is reported and the rest applies', () => {
    write({ logLevl: 'debug', idleTimeoutMinutes: 7 });
    const r = loadConfigReport(file);
    expect(r.config.idleTimeoutMinutes).toBe(7);
    expect(r.problems.map((p) => p.path)).toEqual(['logLevl']);
    expect(r.problems[0]?.message).toMatch(/not a setting Conduit knows/);
  });

  it('several bad keys in several sections are all isolated', () => {
    write({ logLevel: 'loud', idleTimeoutMinutes: -3, budgets: { monthlyUsd: 9 }, resilience: { maxAttempts: 'x' } });
    const r = loadConfigReport(file);
    expect(r.config.budgets.monthlyUsd).toBe(9);
    expect(r.problems.map((p) => p.path).sort()).toEqual(['idleTimeoutMinutes', 'logLevel', 'resilience.maxAttempts']);
    expect(configAlert(r, file, 1)?.message).toContain('logLevel');
    expect(configAlert(r, file, 1)?.severity).toBe('critical');
  });

  it('not JSON: defaults, one problem for the file', () => {
    write('{ nope');
    const r = loadConfigReport(file);
    expect(r.config).toEqual(defaults);
    expect(r.problems[0]?.message).toMatch(/not valid JSON/);
  });

  it('a Redis URL with a password is accepted, warned about without the password, and the password is a secret', () => {
    write({ team: { redisUrl: 'redis://:hunter%402@127.0.0.1:6379' }, logLevel: 'warn' });
    const r = loadConfigReport(file);
    expect(r.config.logLevel).toBe('warn');
    expect(r.config.team.redisUrl).toBe('redis://:hunter%402@127.0.0.1:6379');
    expect(r.problems).toEqual([expect.objectContaining({ path: 'team.redisUrl', severity: 'warning' })]);
    expect(r.problems[0]?.message).toMatch(/conduit team password/);
    expect(JSON.stringify(r.problems)).not.toMatch(/hunter/);
    expect(r.secrets).toContain('hunter@2');
    expect(() => throwIfInvalid(r, file)).not.toThrow();
    expect(configAlert(r, file, 1)?.severity).toBe('warning');
  });

  it('no file: defaults and no problems', () => {
    expect(loadConfigReport(file)).toEqual({ config: defaults, problems: [], secrets: [] });
  });
});
