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
    expect(config.problem).toBeUndefined();
    expect(config.get().logLevel).toBe('debug');
    const seen: string[] = [];
    config.onChange((next) => seen.push(next.logLevel));
    config.set({ ...config.get(), logLevel: 'warn' });
    expect(config.get().logLevel).toBe('warn');
    expect(config.startedWith.logLevel).toBe('debug');
    expect(seen).toEqual(['warn']);
  });

  it('uses the defaults, with the reason, when config.json is invalid', () => {
    const config = new LiveConfig(configFile(JSON.stringify({ logLevel: 'loud' })));
    expect(config.problem).toMatch(/logLevel/);
    expect(config.get().logLevel).toBe('info');
    expect(config.fromFile().logLevel).toBe('info');
  });
});
