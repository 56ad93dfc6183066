import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, resolveProvider } from '../../../../daemon/config/config';

describe('config', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdt-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('uses defaults when there is no file', () => {
    const c = loadConfig(path.join(dir, 'missing.json'));
    expect(c.provider).toBe('anthropic');
    expect(c.idleTimeoutMinutes).toBe(30);
  });

  it('names the file and the bad field when a value is invalid', () => {
    const file = path.join(dir, 'config.json');
    fs.writeFileSync(file, JSON.stringify({ provider: 'nope', idleTimeoutMinutes: -1 }));
    expect(() => loadConfig(file)).toThrow(ConfigError);
    expect(() => loadConfig(file)).toThrow(/config\.json has invalid settings: provider: .*idleTimeoutMinutes/);
  });

  it('reports broken JSON clearly', () => {
    const file = path.join(dir, 'config.json');
    fs.writeFileSync(file, '{ "provider": ');
    expect(() => loadConfig(file)).toThrow(/is not valid JSON/);
  });

  it('prefers the config file, then the standard env var, then the default base URL', () => {
    const file = path.join(dir, 'config.json');
    fs.writeFileSync(
      file,
      JSON.stringify({ providers: { openai: { baseURL: 'http://proxy.internal/v1', model: 'gpt-x' } } }),
    );
    const c = loadConfig(file);
    const env = { OPENAI_BASE_URL: 'http://env/v1', ANTHROPIC_BASE_URL: 'http://127.0.0.1:9/' };
    expect(resolveProvider(c, 'openai', env)).toEqual({
      id: 'openai',
      baseURL: 'http://proxy.internal/v1',
      model: 'gpt-x',
    });
    expect(resolveProvider(c, 'anthropic', env).baseURL).toBe('http://127.0.0.1:9/');
    expect(resolveProvider(c, 'gemini', {}).baseURL).toBe('https://generativelanguage.googleapis.com');
  });
});
