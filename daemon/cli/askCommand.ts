import { parseArgs } from 'node:util';
import { ProviderIds, RouterExplainRequest, type ChatRequest, type ProviderId, type RouterExplainResult } from '../../protocol';
import { toConduitError } from '../client/daemonClient';
import { formatUsd } from '../usage/pricing';
import { connect, ExitCode, selectedProfile, UsageError } from './context';

export async function askCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      provider: { type: 'string', short: 'p' },
      model: { type: 'string', short: 'm' },
      system: { type: 'string', short: 's' },
      'max-tokens': { type: 'string' },
      temperature: { type: 'string' },
      feature: { type: 'string' },
      background: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      'no-stream': { type: 'boolean', default: false },
      estimate: { type: 'boolean', default: false },
    },
  });
  const prompt = positionals.length > 0 ? positionals.join(' ') : await readStdin();
  if (!prompt.trim()) throw new UsageError('ask needs a prompt: conduit ask "…", or pipe it on stdin.');
  const request: ChatRequest = {
    messages: [{ role: 'user', content: prompt }],
    stream: !values['no-stream'],
    feature: values.feature ?? 'ask',
    // Background work may wait in the durable queue when the provider is down.
    priority: values.background ? 'background' : 'interactive',
  };
  const profile = selectedProfile();
  if (profile !== undefined) request.profile = profile;
  if (values.provider !== undefined) request.provider = parseProvider(values.provider);
  if (values.model !== undefined) request.model = values.model;
  if (values.system !== undefined) request.system = values.system;
  if (values['max-tokens'] !== undefined) request.max_tokens = parsePositiveInt(values['max-tokens'], '--max-tokens');
  if (values.temperature !== undefined) request.temperature = parseNumber(values.temperature, '--temperature');
  if (values.estimate) {
    // A dry run: the daemon routes and prices the request; nothing goes upstream.
    const e = await explain(request);
    if (values.json) process.stdout.write(JSON.stringify(e, null, 2) + '\n');
    else process.stdout.write(`${formatUsd(e.estimate.worstCaseUsd)} at most on ${e.route.provider}/${e.route.model} (${e.estimate.inputTokens.toLocaleString('en-US')} input tokens estimated + ${e.estimate.maxTokens.toLocaleString('en-US')} max output; ${e.route.reason}). Nothing was sent.\n`);
    return ExitCode.ok;
  }

  const client = await connect();
  const controller = new AbortController();
  const onSigint = () => controller.abort();
  process.once('SIGINT', onSigint);
  let endedWithNewline = true;
  try {
    const result = await client.chat(request, {
      signal: controller.signal,
      ...(values.json ? {} : {
        onChunk: (chunk) => {
          process.stdout.write(chunk.delta);
          endedWithNewline = chunk.delta.endsWith('\n');
        },
      }),
    });
    if (values.json) {
      process.stdout.write(JSON.stringify(result, null, 2) + '\n');
    } else {
      if (!request.stream) {
        process.stdout.write(result.text);
        endedWithNewline = result.text.endsWith('\n');
      }
      if (!endedWithNewline && process.stdout.isTTY) process.stdout.write('\n');
    }
    if (result.guard?.redacted.length) {
      process.stderr.write(`conduit: note: redacted from the prompt before sending: ${result.guard.redacted.map((r) => `${r.count} ${r.kind.replace(/_/g, ' ')}`).join(', ')}\n`);
    }
    if (result.guard?.outputRedacted?.length) {
      process.stderr.write(`conduit: note: redacted from the answer: ${result.guard.outputRedacted.map((r) => `${r.count} ${r.kind.replace(/_/g, ' ')}`).join(', ')}\n`);
    }
    if (result.route?.deprecation) process.stderr.write(`conduit: warning: ${result.route.deprecation.message}\n`);
    if (result.trimmed) process.stderr.write(`conduit: note: ${result.trimmed.droppedMessages} earlier message(s) (~${result.trimmed.droppedTokens} tokens) were left out to fit the feature's context budget\n`);
    if (result.degraded) {
      process.stderr.write(`conduit: ${result.degraded.code}: ${result.degraded.message}\n`);
      return ExitCode.degraded;
    }
    return ExitCode.ok;
  } finally {
    process.off('SIGINT', onSigint);
    client.close();
  }
}

/** `router/explain`: the routing decision and worst-case cost of a request, sending nothing upstream. */
export async function explain(request: ChatRequest): Promise<RouterExplainResult> {
  const client = await connect();
  try {
    return await client.connection.sendRequest(RouterExplainRequest.type, { request });
  } catch (err) {
    throw toConduitError(err);
  } finally {
    client.close();
  }
}

export function parseProvider(value: string): ProviderId {
  if ((ProviderIds as readonly string[]).includes(value)) return value as ProviderId;
  throw new UsageError(`unknown provider "${value}"; expected one of ${ProviderIds.join(', ')}.`);
}

function parsePositiveInt(value: string, flag: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new UsageError(`${flag} must be a positive integer, got "${value}".`);
  return n;
}

function parseNumber(value: string, flag: string): number {
  const n = Number(value);
  if (!Number.isFinite(n)) throw new UsageError(`${flag} must be a number, got "${value}".`);
  return n;
}

export async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) return '';
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
