import * as fs from 'node:fs';
import * as path from 'node:path';
import type { DaemonClient } from '../../daemon/client/daemonClient';
import type { ChatRequest } from '../../protocol';
import type { RecordedRequest } from '../fakes/fakeProvider';
import { DaemonHarness, waitFor } from './harness';

/** A daemon whose config.json holds this `rateLimit` section, written before it starts. */
export async function limitedDaemon(
  fakeUrl: string,
  rateLimit: unknown,
  env: NodeJS.ProcessEnv = {},
  extraConfig: Record<string, unknown> = {},
): Promise<{ h: DaemonHarness; client: DaemonClient }> {
  const h = new DaemonHarness(fakeUrl, env);
  fs.writeFileSync(path.join(h.home, 'config.json'), JSON.stringify({ ...extraConfig, rateLimit }, null, 2));
  const client = await h.connect();
  if (/config invalid/.test(h.logText())) throw new Error(`the daemon refused config.json:\n${h.logText()}`);
  return { h, client };
}

export function ask(provider: ChatRequest['provider'], prompt: string, extra: Partial<ChatRequest> = {}): ChatRequest {
  return {
    provider,
    model: 'gpt-rl',
    messages: [{ role: 'user', content: prompt }],
    max_tokens: 16,
    stream: false,
    ...extra,
  };
}

/** The prompt a recorded request carried (Anthropic and OpenAI bodies). */
export function promptOf(r: RecordedRequest): string {
  const body = r.body as { messages?: Array<{ content?: unknown }> };
  const content = body.messages?.[body.messages.length - 1]?.content;
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) return content.map((c: { text?: string }) => c.text ?? '').join('');
  return '';
}

/** The most requests any window of `windowMs` (starting at a request) holds. */
export function busiestWindow(times: readonly number[], windowMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let most = 0;
  for (let i = 0, j = 0; i < sorted.length; i++) {
    while (j < sorted.length && sorted[j]! < sorted[i]! + windowMs) j++;
    most = Math.max(most, j - i);
  }
  return most;
}

/**
 * When the daemon let each request to `provider` go (its `rate limit released` debug lines, so
 * the daemon needs `logLevel: 'debug'`), oldest first. Waits until there are `count`: lines are
 * appended in batches, a little after the requests they describe.
 */
export async function releaseTimes(h: DaemonHarness, provider: string, count: number): Promise<number[]> {
  // Whole lines only (logLines): the last one may be half written.
  const read = () =>
    h
      .logLines()
      .filter((r) => r.msg === 'rate limit released' && r.provider === provider)
      .map((r) => Date.parse(String(r.t)))
      .sort((a, b) => a - b);
  await waitFor(() => read().length >= count, 10_000, `${count} rate limit releases in the daemon's log`);
  return read();
}
