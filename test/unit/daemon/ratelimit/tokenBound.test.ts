/**
 * The budget's input bound (inputTokensUpperBound) against a real BPE tokenizer: the byte-level
 * BPE of GPT-2 and its successors (ByteLevel pre-tokenizer, the 256 byte symbols), run by
 * transformers.js. Its vocabulary here has the byte symbols and a few merges only: merges can only
 * join tokens, so this is the tokenizer that gives the most tokens any byte-level BPE vocabulary
 * can give for a text, and a text that fits the bound under it fits under every one.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PreTrainedTokenizer } from '@huggingface/transformers';
import { describe, expect, it } from 'vitest';
import { textOf, type ChatMessage } from '../../../../protocol';
import {
  estimateInputTokens,
  IMAGE_TOKENS_UPPER_BOUND,
  inputTokensUpperBound,
} from '../../../../daemon/ratelimit/tokenEstimate';
import { worstCaseCost } from '../../../../daemon/usage/pricing';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '../../../..');

/** GPT-2's map from bytes to printable symbols (what "byte-level" means in its vocabulary). */
function byteSymbols(): string[] {
  const printable: number[] = [];
  for (let b = 33; b <= 126; b++) printable.push(b);
  for (let b = 161; b <= 172; b++) printable.push(b);
  for (let b = 174; b <= 255; b++) printable.push(b);
  const symbols = new Array<string>(256);
  let extra = 0;
  for (let b = 0; b < 256; b++) symbols[b] = String.fromCodePoint(printable.includes(b) ? b : 256 + extra++);
  return symbols;
}

function byteLevelBpe(merges: [string, string][]): PreTrainedTokenizer {
  const vocab: Record<string, number> = {};
  byteSymbols().forEach((s, i) => {
    vocab[s] = i;
  });
  for (const [a, b] of merges) vocab[a + b] = Object.keys(vocab).length;
  return new PreTrainedTokenizer(
    {
      version: '1.0',
      truncation: null,
      padding: null,
      added_tokens: [],
      normalizer: null,
      pre_tokenizer: { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true },
      post_processor: null,
      decoder: { type: 'ByteLevel' },
      model: {
        type: 'BPE',
        dropout: null,
        unk_token: null,
        continuing_subword_prefix: '',
        end_of_word_suffix: '',
        fuse_unk: false,
        byte_fallback: false,
        vocab,
        merges: merges.map(([a, b]) => `${a} ${b}`),
      },
    },
    {},
  );
}

const worstBpe = byteLevelBpe([]);
const someMerges = byteLevelBpe([
  ['t', 'h'],
  ['th', 'e'],
  ['Ġ', 't'],
  ['i', 'n'],
  ['e', 'r'],
]);

/** Seeded, so a failure can be replayed. */
function randomBytesAsText(seed: number, n: number, encoding: 'utf8' | 'latin1'): string {
  let s = seed >>> 0;
  const bytes = Buffer.alloc(n);
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    bytes[i] = s >>> 24;
  }
  return bytes.toString(encoding);
}

const ADVERSARIAL: Record<string, string> = {
  cjk: '東京特許許可局長今日急遽休暇許可拒否。中华人民共和国成立于一九四九年。한국어 문장도 있습니다。'.repeat(20),
  emoji: '👩‍👩‍👧‍👦🏳️‍🌈🧑🏽‍💻👍🏿🇯🇵❤️‍🔥'.repeat(40),
  combining: 'Z̷̢̛͚̝̬a̸̡͎̱l̴̰̈́g̵̣̈o̶͉̿ ẗ̸̢e̵̹͐x̶̞̌t̸̰̊'.repeat(30),
  code: fs.readFileSync(path.join(repo, 'daemon', 'gateway', 'budgetStep.ts'), 'utf8'),
  'random bytes as UTF-8 (replacement characters)': randomBytesAsText(7, 4000, 'utf8'),
  'random bytes as Latin-1': randomBytesAsText(11, 4000, 'latin1'),
  'lone surrogates': '\uD800a\uDC00b\uDBFF'.repeat(200),
  whitespace: ' \t\n\r\u00a0\u3000'.repeat(300),
};

/** OpenAI's documented framing (3 a message, 3 to prime the reply), added to the text's tokens. */
function actualTokens(tok: PreTrainedTokenizer, messages: ChatMessage[], system?: string): number {
  const texts = [...(system !== undefined ? [system] : []), ...messages.map((m) => textOf(m.content))];
  return texts.reduce((n, t) => n + tok.encode(t, { add_special_tokens: false }).length + 3, 3);
}

describe('inputTokensUpperBound: a true upper bound for the budget', () => {
  for (const [name, text] of Object.entries(ADVERSARIAL)) {
    it(`${name}: the real tokenizer's count never passes the bound (the 4-characters estimate does pass it where it says so)`, () => {
      const messages: ChatMessage[] = [
        { role: 'user', content: text },
        { role: 'assistant', content: text.slice(0, 50) },
        { role: 'user', content: 'and again' },
      ];
      const system = text.slice(0, 200);
      const bound = inputTokensUpperBound(messages, system);
      const worst = actualTokens(worstBpe, messages, system);
      expect(worst).toBeLessThanOrEqual(bound);
      expect(actualTokens(someMerges, messages, system)).toBeLessThanOrEqual(worst);
      if (['cjk', 'emoji', 'combining', 'random bytes as UTF-8 (replacement characters)'].includes(name)) {
        // The old reservation: what made a request settle above what it reserved.
        expect(estimateInputTokens(messages, system)).toBeLessThan(worst);
      }
    });
  }

  it("on the repository's prompt corpora the reservation grows by a bounded factor (printed)", () => {
    const router = JSON.parse(fs.readFileSync(path.join(repo, 'test/fixtures/router/prompts.json'), 'utf8')) as {
      prompt: string;
    }[];
    const pairs = (
      JSON.parse(fs.readFileSync(path.join(repo, 'test/fixtures/semantic/pairs.json'), 'utf8')) as {
        pairs: { a: string; b: string }[];
      }
    ).pairs;
    const prompts = [...router.map((r) => r.prompt), ...pairs.flatMap((p) => [p.a, p.b])];
    const MODEL = 'claude-sonnet-4-5';
    const MAX_TOKENS = 1024;
    const growth = (p: string) => {
      const messages: ChatMessage[] = [{ role: 'user', content: p }];
      const before = worstCaseCost('anthropic', MODEL, estimateInputTokens(messages, undefined), MAX_TOKENS).usd!;
      const after = worstCaseCost('anthropic', MODEL, inputTokensUpperBound(messages, undefined), MAX_TOKENS).usd!;
      return {
        input: inputTokensUpperBound(messages, undefined) / estimateInputTokens(messages, undefined),
        cost: after / before,
      };
    };
    const g = prompts.map(growth);
    const code = growth(ADVERSARIAL.code!);
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const costs = g.map((x) => x.cost);
    console.log(
      `[token bound] ${prompts.length} corpus prompts at ${MODEL}, max_tokens ${MAX_TOKENS}: input tokens reserved ×${median(g.map((x) => x.input)).toFixed(2)} (median); worst-case cost reserved ×${median(costs).toFixed(3)} median, ×${Math.max(...costs).toFixed(3)} max; a ${ADVERSARIAL.code!.length}-character source file: input ×${code.input.toFixed(2)}, cost ×${code.cost.toFixed(2)}`,
    );
    // Short prompts: max_tokens dominates, so the budget is not made uselessly strict.
    expect(median(costs)).toBeLessThan(1.1);
    for (const x of g) expect(x.cost).toBeGreaterThanOrEqual(1);
  });

  it('counts tool definitions, a response schema and every image, none of which the text carries', () => {
    const text: ChatMessage[] = [{ role: 'user', content: 'What is in this screenshot?' }];
    const base = inputTokensUpperBound(text, undefined);
    const withImages: ChatMessage[] = [
      {
        role: 'user',
        content: [
          { type: 'text', text: 'What is in this screenshot?' },
          { type: 'image', mediaType: 'image/png', data: 'iVBORw0KGgo=' },
          { type: 'image', mediaType: 'image/png', data: 'iVBORw0KGgo=' },
        ],
      },
    ];
    expect(inputTokensUpperBound(withImages, undefined)).toBe(base + 2 * IMAGE_TOKENS_UPPER_BOUND);
    const tools = [
      {
        name: 'lookup',
        description: 'Finds a symbol',
        inputSchema: { type: 'object', properties: { name: { type: 'string' } } },
      },
    ];
    const responseSchema = { name: 'answer', schema: { type: 'object', properties: { ok: { type: 'boolean' } } } };
    expect(inputTokensUpperBound(text, undefined, { tools })).toBe(base + Buffer.byteLength(JSON.stringify(tools)));
    expect(inputTokensUpperBound(text, undefined, { tools, responseSchema })).toBe(
      base + Buffer.byteLength(JSON.stringify(tools)) + Buffer.byteLength(JSON.stringify(responseSchema)),
    );
  });
});
