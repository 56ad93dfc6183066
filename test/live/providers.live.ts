import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatResult, KeysListResult, StatusResult, UsageRow } from '../../protocol';
import { configSchema, resolveProvider } from '../../daemon/config/config';
import { createAdapter } from '../../daemon/providers/createAdapter';
import { UpstreamError } from '../../daemon/providers/types';
import { classifyCode } from '../../daemon/resilience/classify';
import { formatUsd } from '../../daemon/usage/pricing';
import { DaemonHarness } from '../integration/harness';
import { withEnv } from '../unit/daemon/providers/platformEnv';
import { LIVE_TARGETS, missingCredentials } from './liveProviders';

const MAX_TOKENS = '16';
const PROMPT = 'Reply with the single word OK.';
// Generous enough that any real header is lower: the daemon then shows the provider's own limit.
const HUGE = 1_000_000;

const inCI = !!process.env.CI && process.env.CI !== 'false';
if (inCI)
  console.log(
    'Live tests skipped: CI is set. They call the real provider APIs and spend money, so they never run in CI.',
  );

/** The daemon as a user runs it: the real environment and keychain, a throwaway data directory. */
function liveHarness(): DaemonHarness {
  const h = new DaemonHarness('http://127.0.0.1:9');
  // Undo the harness's fake-server settings: keys and base URLs come from the real environment.
  for (const k of Object.keys(h.env)) {
    if (/_API_KEY$|_BASE_URL$/.test(k)) delete h.env[k];
  }
  for (const [k, v] of Object.entries(process.env)) {
    if (/_API_KEY$|_BASE_URL$/.test(k) && v !== undefined) h.env[k] = v;
  }
  // Read (never write) the user's own keychain entries, not the throwaway home's namespace.
  h.env.CONDUIT_KEYCHAIN_SERVICE = process.env.CONDUIT_KEYCHAIN_SERVICE ?? 'conduit';
  return h;
}

const config = {
  // Every live call is answered live, once: no cache, no retries, no fallbacks.
  cache: { enabled: false },
  resilience: { maxAttempts: 1 },
  rateLimit: {
    tier: 'custom',
    overrides: {
      anthropic: { rpm: HUGE, itpm: HUGE, otpm: HUGE },
      openai: { rpm: HUGE, tpm: HUGE },
      azureOpenai: { rpm: HUGE, tpm: HUGE },
    },
  },
  providers: process.env.CONDUIT_LIVE_AZURE_DEPLOYMENT
    ? {
        azureOpenai: {
          deployments: {
            [LIVE_TARGETS.find((t) => t.provider === 'azureOpenai')?.model ?? '']:
              process.env.CONDUIT_LIVE_AZURE_DEPLOYMENT,
          },
        },
      }
    : {},
};

describe.skipIf(inCI)('live: the real provider APIs (npm run test:live)', () => {
  let h: DaemonHarness;
  const missing = new Map<string, string>();

  beforeAll(async () => {
    h = liveHarness();
    fs.writeFileSync(path.join(h.home, 'config.json'), JSON.stringify(config));
    const listed = await h.cli(['key', 'list', '--json']);
    const keys = listed.code === 0 ? (JSON.parse(listed.stdout) as KeysListResult) : undefined;
    for (const t of LIVE_TARGETS) {
      const why = missingCredentials(t.provider, keys);
      if (why) missing.set(t.provider, why);
    }
    const running = LIVE_TARGETS.filter((t) => !missing.has(t.provider)).map((t) => `${t.provider} (${t.model})`);
    const lines = [...missing].map(([p, why]) => `  ${p}: skipped, ${why}`);
    console.log(
      running.length === 0
        ? `Live tests skipped: no provider has credentials here.\n${lines.join('\n')}\nSet a key (conduit key set PROVIDER, or the provider's environment variable) to run them.`
        : `Live tests run for: ${running.join(', ')}${lines.length ? `\n${lines.join('\n')}` : ''}`,
    );
  });

  afterAll(async () => {
    if (!h) return;
    const rows = JSON.parse((await h.cli(['usage', 'export', '--json', '-'])).stdout || '[]') as UsageRow[];
    const spent = rows.reduce((sum, r) => sum + (r.costUsd ?? 0), 0);
    const unknown = rows.filter((r) => r.costUsd === null && r.errorCode === null).length;
    console.log(
      `Live tests spent ${formatUsd(spent)} in ${rows.length} request(s), from the ledger${unknown ? ` (${unknown} at an unknown price)` : ''}.`,
    );
    await h.dispose();
  });

  async function ask(provider: string, model: string, stream: boolean): Promise<ChatResult> {
    const args = [
      'ask',
      '--json',
      '--provider',
      provider,
      '--model',
      model,
      '--max-tokens',
      MAX_TOKENS,
      '--temperature',
      '0',
    ];
    if (!stream) args.push('--no-stream');
    const r = await h.cli([...args, PROMPT], { timeoutMs: 60_000 });
    expect(r.code, r.stderr).toBe(0);
    return JSON.parse(r.stdout) as ChatResult;
  }

  for (const target of LIVE_TARGETS) {
    describe(target.provider, () => {
      it('real usage fields, a known price, and exactly one ledger row (not streamed)', async (ctx) => {
        if (missing.has(target.provider)) ctx.skip();
        const result = await ask(target.provider, target.model, false);
        expect(result.usage.input_tokens).toBeGreaterThan(0);
        expect(result.usage.output_tokens).toBeGreaterThan(0);
        expect(result.usage.output_tokens).toBeLessThanOrEqual(Number(MAX_TOKENS));
        expect(result.costUsd, 'the model should have a catalogue price').not.toBeNull();
        expect(result.costUsd).toBeGreaterThan(0);
        expect(result.costUsd).toBeLessThan(0.01);
        const rows = JSON.parse((await h.cli(['usage', 'export', '--json', '-'])).stdout) as UsageRow[];
        expect(rows.filter((r) => r.requestId === result.requestId)).toHaveLength(1);
      });

      it('real streaming: text arrives before the end, then the final usage', async (ctx) => {
        if (missing.has(target.provider)) ctx.skip();
        const result = await ask(target.provider, target.model, true);
        expect(result.ttftMs ?? 0).toBeGreaterThan(0);
        expect(result.stopReason).not.toBeNull();
        expect(result.usage.output_tokens).toBeGreaterThan(0);
        expect(result.usage.output_tokens).toBeLessThanOrEqual(Number(MAX_TOKENS));
      });

      it.skipIf(!target.rateLimitHeaders)(
        "real rate-limit headers lower the daemon's buckets to the provider's limits",
        async (ctx) => {
          if (missing.has(target.provider)) ctx.skip();
          await ask(target.provider, target.model, false);
          const status = JSON.parse((await h.cli(['status', '--json'])).stdout) as StatusResult & {
            rateLimits: { provider: string; buckets: { kind: string; limit: number; remaining: number }[] }[];
          };
          const buckets = status.rateLimits.filter((r) => r.provider === target.provider).flatMap((r) => r.buckets);
          expect(buckets.length).toBeGreaterThan(0);
          // Azure reports only what remains; the others also report their limits.
          expect(buckets.some((b) => b.limit < HUGE || b.remaining < HUGE - 1)).toBe(true);
        },
      );

      it.skipIf(target.badKey === undefined && target.badEnv === undefined)(
        'a rejected key has the error shape the taxonomy expects (auth, never retried, key not echoed)',
        async (ctx) => {
          if (missing.has(target.provider)) ctx.skip();
          const resolved = resolveProvider(configSchema.parse(config), target.provider, h.env);
          const adapter = createAdapter(target.provider, {
            apiKey: target.badKey ?? '',
            baseURL: resolved.baseURL,
            ...(resolved.platform ? { platform: resolved.platform } : {}),
          });
          let error: unknown;
          await withEnv(target.badEnv ?? {}, async () => {
            try {
              await adapter.chat(
                { model: target.model, messages: [{ role: 'user', content: PROMPT }], maxTokens: Number(MAX_TOKENS) },
                AbortSignal.timeout(30_000),
              );
            } catch (err) {
              error = err;
            }
          });
          expect(error).toBeInstanceOf(UpstreamError);
          const upstream = error as UpstreamError;
          console.log(
            `${target.provider} bad key: HTTP ${upstream.status} ${upstream.providerType ?? ''} ${upstream.providerCode ?? ''}: ${upstream.message}`,
          );
          expect([400, 401, 403]).toContain(upstream.status);
          expect(classifyCode(upstream)).toBe('auth');
          for (const secret of [target.badKey, target.badEnv?.AWS_SECRET_ACCESS_KEY])
            if (secret) expect(upstream.message).not.toContain(secret);
        },
      );
    });
  }
});
