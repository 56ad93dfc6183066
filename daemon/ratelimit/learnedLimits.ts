import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ProviderId } from '../../protocol';
import { LruMap } from '../platform/lruMap';
import { parseRateLimitHeaders, type RateLimitReport } from './rateLimitHeaders';
import type { ProviderLimits } from './tierPresets';

interface Entry extends ProviderLimits {
  /** When the limits were last read from a response, ISO 8601. */
  learnedAt: string;
}

/**
 * How many keys' limits are kept, in memory and in the file: each key ever used (every rotation,
 * every key a window hands over) adds one. Past this the one learned or used least recently goes;
 * its key, if it comes back, starts from the tier preset until a response states its limits again.
 */
export const MAX_LEARNED_KEYS = 256;

/**
 * The per-minute limits each key really has, as its provider's response headers state them
 * (Anthropic's `anthropic-ratelimit-*-limit`, OpenAI's `x-ratelimit-limit-*`). They replace the
 * tier preset, which is only a guess: a key on a higher tier than the preset must not be told
 * that a request can never fit. Kept under CONDUIT_HOME by provider and hashed key id (never
 * the key), so a restart does not go back to the guess.
 */
export class LearnedLimits {
  private readonly entries = new LruMap<string, Entry>(MAX_LEARNED_KEYS);

  constructor(
    private readonly file: string | undefined,
    private readonly now: () => number = Date.now,
  ) {
    if (!file) return;
    try {
      const saved = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, Entry>;
      for (const [k, v] of Object.entries(saved)) if (typeof v === 'object' && v !== null) this.entries.set(k, v);
    } catch {
      // None yet, or unreadable: the presets hold until a response says otherwise.
    }
  }

  get(provider: ProviderId, keyId: string): ProviderLimits | undefined {
    const e = this.entries.get(`${provider}:${keyId}`);
    if (!e) return undefined;
    const { learnedAt: _at, ...limits } = e;
    return limits;
  }

  /** Records what the headers state; true when that changed the key's limits. */
  learn(provider: ProviderId, keyId: string, headers: Record<string, string>): boolean {
    return this.learnReport(provider, keyId, parseRateLimitHeaders(headers, 0));
  }

  /** The same from headers already parsed: every response's, which the limiter has just read. */
  learnReport(provider: ProviderId, keyId: string, report: RateLimitReport): boolean {
    const stated = limitsFromReport(provider, report);
    if (!stated) return false;
    const key = `${provider}:${keyId}`;
    const before = this.entries.peek(key);
    const merged = { ...before, ...stated };
    const changed = !before || (['rpm', 'itpm', 'otpm', 'tpm'] as const).some((k) => before[k] !== merged[k]);
    if (!changed) return false;
    this.entries.set(key, { ...merged, learnedAt: new Date(this.now()).toISOString() });
    this.save();
    return true;
  }

  private save(): void {
    if (!this.file) return;
    const tmp = `${this.file}.${process.pid}.tmp`;
    try {
      fs.mkdirSync(path.dirname(this.file), { recursive: true });
      fs.writeFileSync(tmp, JSON.stringify(Object.fromEntries(this.entries), null, 2), { mode: 0o600 });
      fs.renameSync(tmp, this.file);
    } catch {
      // A read-only home loses only the memory across restarts; the limits in use are unchanged.
      fs.rmSync(tmp, { force: true });
    }
  }
}

/** The per-minute limits the headers state, in the presets' terms; undefined when they state none. */
export function limitsFromHeaders(provider: ProviderId, headers: Record<string, string>): ProviderLimits | undefined {
  return limitsFromReport(provider, parseRateLimitHeaders(headers, 0));
}

/** The same from a parsed report (only its limits are read, so its reset times do not matter). */
export function limitsFromReport(provider: ProviderId, report: RateLimitReport): ProviderLimits | undefined {
  const out: ProviderLimits = {};
  if (report.requests?.limit) out.rpm = report.requests.limit;
  if (report.input_tokens?.limit) out.itpm = report.input_tokens.limit;
  if (report.output_tokens?.limit) out.otpm = report.output_tokens.limit;
  // Anthropic's combined tokens header is input plus output; its limiter keeps ITPM and OTPM.
  if (report.tokens?.limit && provider !== 'anthropic') out.tpm = report.tokens.limit;
  return Object.keys(out).length ? out : undefined;
}

/** The file the learned limits live in. */
export function learnedLimitsFile(home: string): string {
  return path.join(home, 'ratelimit', 'learned-limits.json');
}
