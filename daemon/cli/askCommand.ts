import { parseArgs } from 'node:util';
import {
  RouterExplainRequest,
  textOf,
  type ChatRequest,
  type ProviderId,
  type RouterExplainResult,
} from '../../protocol';
import { ChatClient, type ChatConnection } from '../client/chatClient';
import { toConduitError } from '../client/rpcErrors';
import { START_PROVIDER_ROUTED } from '../server/startSignal';
import { formatUsd } from '../usage/formatUsd';
import { imagePart, parseEffort, schemaFromFile } from './attachments';
import { codeCacheHint } from './codeCacheHint';
import { connect, ExitCode, selectedProfile } from './context';
import { parseNumber, PROMPT_OPTIONS, promptRequest } from './promptRequest';

export async function askCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      ...PROMPT_OPTIONS,
      temperature: { type: 'string' },
      background: { type: 'boolean', default: false },
      'no-stream': { type: 'boolean', default: false },
      estimate: { type: 'boolean', default: false },
      schema: { type: 'string' },
      image: { type: 'string', multiple: true },
      effort: { type: 'string' },
      stop: { type: 'string', multiple: true },
    },
  });
  const request: ChatRequest = {
    ...(await promptRequest('ask', values, positionals)),
    stream: !values['no-stream'],
    // Background work may wait in the durable queue when the provider is down.
    priority: values.background ? 'background' : 'interactive',
  };
  const profile = selectedProfile();
  if (profile !== undefined) request.profile = profile;
  if (values.temperature !== undefined)
    request.temperature = parseNumber(values.temperature, '--temperature', { min: 0, max: 2 });
  if (values.schema !== undefined) request.responseSchema = schemaFromFile(values.schema);
  if (values.effort !== undefined) request.reasoningEffort = parseEffort(values.effort);
  // Taken as given (a shell's $'\n' makes a newline); the daemon checks count and length.
  if (values.stop?.length) request.stop = values.stop;
  if (values.image?.length) {
    const prompt = request.messages[0]!;
    prompt.content = [{ type: 'text', text: textOf(prompt.content) }, ...values.image.map(imagePart)];
  }
  if (values.estimate) {
    // A dry run: the daemon routes and prices the request; nothing goes upstream.
    const e = await explain(request);
    if (values.json) process.stdout.write(JSON.stringify(e, null, 2) + '\n');
    else process.stdout.write(formatEstimate(e));
    return ExitCode.ok;
  }

  // No provider named: a daemon this starts loads the one its configuration routes the ask to.
  const client = await connectChat(request.provider ?? START_PROVIDER_ROUTED);
  const controller = new AbortController();
  const onSigint = () => controller.abort();
  process.once('SIGINT', onSigint);
  let endedWithNewline = true;
  try {
    const result = await client.chat(request, {
      signal: controller.signal,
      ...(values.json
        ? {}
        : {
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
      process.stderr.write(
        `conduit: note: redacted from the prompt before sending: ${result.guard.redacted.map((r) => `${r.count} ${r.kind.replace(/_/g, ' ')}`).join(', ')}\n`,
      );
    }
    if (result.guard?.outputRedacted?.length) {
      process.stderr.write(
        `conduit: note: redacted from the answer: ${result.guard.outputRedacted.map((r) => `${r.count} ${r.kind.replace(/_/g, ' ')}`).join(', ')}\n`,
      );
    }
    if (result.route?.deprecation) process.stderr.write(`conduit: warning: ${result.route.deprecation.message}\n`);
    if (result.contextFallback)
      process.stderr.write(
        `conduit: note: the request was over ${result.contextFallback.from}'s context window and went to ${result.contextFallback.to}\n`,
      );
    if (result.trimmed)
      process.stderr.write(
        `conduit: note: ${result.trimmed.droppedMessages} earlier message(s) (~${result.trimmed.droppedTokens} tokens) were left out to fit the feature's context budget\n`,
      );
    for (const note of result.adjusted ?? []) process.stderr.write(`conduit: note: ${note}\n`);
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

/**
 * A running daemon of this version gets the request over the one-shot client; otherwise
 * DaemonClient starts the daemon (or replaces an outdated one) and carries it.
 */
async function connectChat(startProvider: ProviderId | typeof START_PROVIDER_ROUTED): Promise<ChatConnection> {
  const warm = await ChatClient.connect();
  if (warm) return warm;
  codeCacheHint.skipSave = true;
  return connect(true, startProvider);
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

/** `ask --estimate`: the expected cost and the worst case, each labelled, so neither reads as the other. */
export function formatEstimate(e: RouterExplainResult): string {
  const n = (v: number) => v.toLocaleString('en-US');
  const lines: string[] = [];
  const x = e.expected;
  if (x) {
    const output =
      x.outputFrom === 'ledger'
        ? `${n(x.outputTokens)} output tokens (the median of this feature's last ${n(x.samples)} answers)`
        : `${n(x.outputTokens)} output tokens (a default: this feature has too few answers in the ledger)`;
    lines.push(
      `expected   ${formatUsd(x.usd)}${x.approximate ? ' (approximate)' : ''}: ~${n(x.inputTokens)} input tokens + ${output}`,
    );
  }
  lines.push(
    `worst case ${formatUsd(e.estimate.worstCaseUsd)}: ${n(e.estimate.inputTokens)} input tokens at most + ${n(e.estimate.maxTokens)} max output (what a budget reserves)`,
  );
  lines.push(`route      ${e.route.provider}/${e.route.model} (${e.route.reason}). Nothing was sent.`);
  return lines.join('\n') + '\n';
}
