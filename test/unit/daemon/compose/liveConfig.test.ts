import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LiveConfig } from '../../../../daemon/compose/liveConfig';

const dirs: string[] = [];
function configFile(text: string | undefined): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdt-cfg-'));
  dirs.push(dir);
  const file = path.join(dir, 'config.json');
  if (text !== undefined) fs.writeFileSync(file, text);
  return file;
}
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

describe('LiveConfig', () => {
  it('starts from config.json and keeps what it started with after a change', () => {
    const config = new LiveConfig(configFile(JSON.stringify({ logLevel: 'debug' })));
    expect(config.report.problems).toEqual([]);
    expect(config.get().logLevel).toBe('debug');
    const seen: string[] = [];
    config.onChange((next) => seen.push(next.logLevel));
    config.set({ ...config.get(), logLevel: 'warn' });
    expect(config.get().logLevel).toBe('warn');
    expect(config.startedWith.logLevel).toBe('debug');
    expect(seen).toEqual(['warn']);
  });

  it('keeps the valid settings and reports the invalid one, which takes its default', () => {
    const config = new LiveConfig(configFile(JSON.stringify({ logLevel: 'loud', idleTimeoutMinutes: 7 })));
    expect(config.report.problems.map((p) => p.path).join(' ')).toMatch(/logLevel/);
    expect(config.get().logLevel).toBe('info');
    expect(config.get().idleTimeoutMinutes).toBe(7);
    expect(config.fromFile().logLevel).toBe('info');
  });
});
