import { startDaemon } from './conduitSides';
import type { Mock } from './processes';
import type { LimitResult } from './report';

// 6. How closely an RPM limit is used: the fake enforces a sliding window, the daemon is
// configured with the same limit per minute; time is scaled (60 per 6 s stands in for 600 RPM).
export async function limitUse(mock: Mock, daemonScript: string, quick: boolean): Promise<LimitResult> {
  const windowMs = quick ? 2000 : 6000;
  const perWindow = quick ? 20 : 60;
  const requests = quick ? 60 : 180;
  const rpm = (perWindow * 60_000) / windowMs;
  await mock.control('/__fake/default', { provider: 'openai', script: { text: 'ok', chunks: 1 } });
  await mock.command({ cmd: 'enforce', provider: 'openai', limits: { requests: { limit: perWindow, windowMs } } });
  const d = await startDaemon(mock.url, daemonScript, {
    config: {
      rateLimit: { enabled: true, tier: 'custom', overrides: { openai: { rpm, tpm: 1_000_000_000, burst: 1 } } },
    },
  });
  let next = 0;
  let answered = 0;
  let failed = 0;
  const t0 = performance.now();
  try {
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        while (next < requests) {
          next++;
          try {
            await d.client.chat({
              provider: 'openai',
              model: 'gpt-bench',
              messages: [{ role: 'user', content: 'limited' }],
              max_tokens: 16,
              stream: false,
            });
            answered++;
          } catch {
            failed++;
          }
        }
      }),
    );
  } finally {
    await d.dispose();
  }
  const seconds = (performance.now() - t0) / 1000;
  const { accepted, rejected } = await mock.command<{ accepted: number[]; rejected: number[] }>({ cmd: 'enforced' });
  await mock.command({ cmd: 'enforce', provider: 'openai', limits: null });
  const sorted = [...accepted].sort((a, b) => a - b);
  let busiest = 0;
  for (let i = 0, j = 0; i < sorted.length; i++) {
    while (j < sorted.length && sorted[j]! < sorted[i]! + windowMs) j++;
    busiest = Math.max(busiest, j - i);
  }
  // Steady-state rate: the first window's burst is excluded (it is allowed by both sides).
  const steady = sorted.filter((t) => t >= sorted[0]! + windowMs);
  const rate = steady.length > 1 ? (steady.length - 1) / ((steady[steady.length - 1]! - steady[0]!) / 1000) : NaN;
  return {
    rpm,
    windowMs,
    perWindow,
    requests,
    answered,
    failed,
    upstream429: rejected.length,
    achievedPct: (rate / (perWindow / (windowMs / 1000))) * 100,
    busiestWindow: busiest,
    seconds,
  };
}
