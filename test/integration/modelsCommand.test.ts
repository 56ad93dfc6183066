import * as fs from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useDaemonAndFake } from './harness';

/** A models.dev api.json as the site serves it: keyed by provider id, prices per million tokens. */
function apiJson(models: Record<string, Record<string, unknown>>): string {
  return JSON.stringify({
    anthropic: { id: 'anthropic', name: 'Anthropic', models: models.anthropic ?? {} },
    openai: { id: 'openai', name: 'OpenAI', models: models.openai ?? {} },
    google: { id: 'google', name: 'Google', models: models.google ?? {} },
    mistral: { id: 'mistral', models: { 'mistral-large': { id: 'mistral-large', cost: { input: 2, output: 6 } } } },
  });
}

const RAISED = apiJson({
  openai: {
    // gpt-5.4-mini: $0.75 / $4.50 bundled; this file says $0.80 / $4.80.
    'gpt-5.4-mini': {
      id: 'gpt-5.4-mini',
      name: 'GPT-5.4 mini',
      cost: { input: 0.8, output: 4.8, cache_read: 0.08 },
      limit: { context: 400000, output: 128000 },
    },
    // A model the bundled catalogue lacks.
    'gpt-6-zephyr': {
      id: 'gpt-6-zephyr',
      name: 'GPT-6 Zephyr',
      cost: { input: 3, output: 15, cache_read: 0.3 },
      limit: { context: 1050000, output: 128000 },
    },
  },
});

const LOWERED = apiJson({
  anthropic: {
    'claude-opus-5': {
      id: 'claude-opus-5',
      cost: { input: 4, output: 20, cache_read: 0.4, cache_write: 5 },
      limit: { context: 1000000, output: 128000 },
    },
  },
});

describe('conduit models and conduit models update', () => {
  const env = useDaemonAndFake({ config: { rateLimit: { enabled: false } }, resetEachTest: false });
  let server: Server;
  let url: string;

  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.url === '/api.json') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(RAISED);
      } else {
        res.writeHead(404).end();
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api.json`;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  const listed = async (provider: string) => {
    const r = await env.h.cli(['models', '--provider', provider, '--json']);
    expect(r.code).toBe(0);
    return JSON.parse(r.stdout) as {
      catalogue: unknown;
      models: Array<{
        id: string;
        prices: { input: number | null; output: number | null; cacheWrite1h?: number };
        source: string;
        asOf: string;
      }>;
    };
  };

  it('lists the bundled catalogue, with sources and read dates, as text and JSON', async () => {
    const anthropic = await listed('anthropic');
    expect(anthropic.catalogue).toBe('bundled');
    const opus5 = anthropic.models.find((m) => m.id === 'claude-opus-5')!;
    expect(opus5.prices).toMatchObject({ input: 5, output: 25, cacheWrite1h: 10 });
    expect(opus5.source).toMatch(/platform\.claude\.com/);
    const text = await env.h.cli(['models', '--provider', 'openai']);
    expect(text.stdout).toMatch(
      /openai\/gpt-5\.6-terra +\$2 in \/ \$12 out; cache read \$0\.2, write \$2\.5; above 272,000 prompt tokens \$4 \/ \$18/,
    );
    expect(text.stdout).toMatch(/openai\/gpt-6\.1-sol +unpriced/);
    const bad = await env.h.cli(['models', '--provider', 'mistral']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/unknown provider "mistral"; use anthropic, openai or gemini/);
  });

  it('loads a newer catalogue from a URL: prints the changes, keeps it under CONDUIT_HOME, and the daemon bills with it', async () => {
    const r = await env.h.cli(['models', 'update', '--from', url]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/openai\/gpt-5\.4-mini input: \$0\.75 → \$0\.8 \(higher\)/);
    expect(r.stdout).toMatch(/\+ openai\/gpt-6-zephyr: new model/);
    expect(fs.existsSync(path.join(env.h.home, 'models.json'))).toBe(true);
    const openai = await listed('openai');
    expect(openai.models.find((m) => m.id === 'gpt-5.4-mini')!.prices).toMatchObject({ input: 0.8, output: 4.8 });
    expect(openai.models.find((m) => m.id === 'gpt-6-zephyr')!.source).toBe(`models.dev api.json (${url})`);

    // A daemon started now prices the new model: the fake reports 12 input and 7 output tokens.
    const ask = await env.h.cli([
      'ask',
      '--provider',
      'openai',
      '--model',
      'gpt-6-zephyr',
      '--no-stream',
      '--json',
      'hello',
    ]);
    expect(ask.code).toBe(0);
    const result = JSON.parse(ask.stdout) as { costUsd: number };
    expect(result.costUsd).toBeCloseTo((12 * 3 + 7 * 15) / 1e6, 9);
  });

  it('never lowers a price silently: a file that lowers one is refused until --yes', async () => {
    const file = path.join(env.h.home, 'lowered-api.json');
    fs.writeFileSync(file, LOWERED);
    const refused = await env.h.cli(['models', 'update', '--from', file]);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toMatch(/! anthropic\/claude-opus-5 input: \$5 → \$4 \(lower\)/);
    expect(refused.stderr).toMatch(/price\(s\) would go down or be dropped .* run again with --yes to accept/);
    expect((await listed('anthropic')).models.find((m) => m.id === 'claude-opus-5')!.prices.input).toBe(5);

    const accepted = await env.h.cli(['models', 'update', '--from', file, '--yes']);
    expect(accepted.code).toBe(0);
    const opus5 = (await listed('anthropic')).models.find((m) => m.id === 'claude-opus-5')!;
    expect(opus5.prices).toMatchObject({ input: 4, output: 20, cacheWrite1h: 8 });
    // The earlier update is kept beside this one.
    expect((await listed('openai')).models.find((m) => m.id === 'gpt-6-zephyr')).toBeDefined();
  });

  it('refuses a file that is not a valid models.dev catalogue, naming the field, and changes nothing', async () => {
    const file = path.join(env.h.home, 'bad-api.json');
    fs.writeFileSync(
      file,
      JSON.stringify({ openai: { models: { 'gpt-x': { id: 'gpt-x', cost: { input: 'cheap', output: 1 } } } } }),
    );
    const r = await env.h.cli(['models', 'update', '--from', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/openai\.models\.gpt-x\.cost\.input: .*Nothing was changed/);
    const missing = await env.h.cli(['models', 'update', '--from', path.join(env.h.home, 'no-such.json')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/could not read .*no-such\.json.*Nothing was changed/);
  });
});
