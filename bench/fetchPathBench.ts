/**
 * The SDKs' fetch inside the daemon (issue #23, fourth pass): the openai SDK against the mock
 * upstream (its own process), once with undici's WHATWG fetch on an undici Agent (what
 * daemon/providers/httpFetch.ts gave the SDKs before) and once with createHttpFetch, which sends
 * a plain request over undici's `request` (daemon/providers/requestFetch.ts). CPU time of this
 * process per call (process.cpuUsage: the SDK and its fetch, nothing else runs here), in rotated
 * blocks, so a loaded machine's waits for a core count far less than in wall time:
 *   node bench/run.mjs --only fetch-path [--rounds N]
 */
import OpenAI from 'openai';
import { Agent, fetch as undiciFetch } from 'undici';
import { createHttpFetch, type FetchFn } from '../daemon/providers/httpFetch';
import { describeMeasuredAt, measuredAt } from './machine';
import { roomyLimitHeaders, startFake, textOfSize } from './processes';
import { percentile } from './stats';

const args = process.argv.slice(2);
const rounds = args.includes('--rounds') ? Number(args[args.indexOf('--rounds') + 1]) : 30;
const PER_BLOCK = 50;

function fetchBefore(): FetchFn {
  const dispatcher = new Agent({ connect: { timeout: 10_000 } });
  return (input, init) =>
    undiciFetch(
      input as string,
      { ...init, dispatcher } as Parameters<typeof undiciFetch>[1],
    ) as unknown as Promise<Response>;
}

async function main(): Promise<void> {
  const fake = await startFake(__dirname);
  const client = (fetch: FetchFn) =>
    new OpenAI({ apiKey: 'sk-bench-fake', baseURL: `${fake.url}/v1`, maxRetries: 0, fetch });
  const sides = { before: client(fetchBefore()), after: client(createHttpFetch({ connectTimeoutMs: 10_000 })) };
  const messages = [{ role: 'user' as const, content: 'benchmark' }];
  const kinds = {
    'non-streaming 1.4 KB': {
      script: { text: textOfSize(1400), chunks: 1, headers: roomyLimitHeaders },
      run: async (sdk: OpenAI) => {
        await sdk.chat.completions.create({ model: 'gpt-bench', messages, max_completion_tokens: 64 });
      },
    },
    'stream, 4 chunks': {
      script: { deltas: ['one ', 'two ', 'three ', 'four '], headers: roomyLimitHeaders },
      run: async (sdk: OpenAI) => {
        const stream = await sdk.chat.completions.create({ model: 'gpt-bench', messages, stream: true });
        for await (const chunk of stream) void chunk;
      },
    },
  };
  for (const [kind, { script, run }] of Object.entries(kinds)) {
    await fake.control('/__fake/default', { provider: 'openai', script });
    const cpu: Record<string, number[]> = { before: [], after: [] };
    const names = Object.keys(sides) as (keyof typeof sides)[];
    for (const name of names) for (let i = 0; i < 50; i++) await run(sides[name]);
    for (let r = 0; r < rounds; r++) {
      for (let k = 0; k < names.length; k++) {
        const name = names[(r + k) % names.length]!;
        const c0 = process.cpuUsage();
        for (let i = 0; i < PER_BLOCK; i++) await run(sides[name]);
        const c = process.cpuUsage(c0);
        cpu[name]!.push((c.user + c.system) / PER_BLOCK);
      }
    }
    const p50 = (xs: number[]) => percentile(xs, 50).toFixed(1);
    console.log(
      `${kind}: SDK + fetch CPU per call, p50 of ${rounds} blocks of ${PER_BLOCK}: undici fetch ${p50(cpu.before!)} µs, ` +
        `requestFetch ${p50(cpu.after!)} µs`,
    );
  }
  console.log(describeMeasuredAt(measuredAt()));
  fake.stop();
}

void main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
