import { ConduitError, type ChatRequest } from '../../protocol';
import { parseChatRequest } from './requestSchema';

export interface InputGuardOptions {
  maxPromptChars: number;
}

// Control characters other than tab, newline and carriage return carry no meaning in a prompt
// and some upstreams reject them outright.
// eslint-disable-next-line no-control-regex
const CONTROL_CHARS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g;

function cleanText(text: string): string {
  // toWellFormed replaces lone surrogates, which would otherwise fail JSON encoding upstream.
  const wellFormed = text.toWellFormed();
  return wellFormed.replace(CONTROL_CHARS, '');
}

/** Step 1 of the pipeline: a request that fails here is never sent anywhere. */
export function guardInput(input: unknown, opts: InputGuardOptions): ChatRequest {
  const parsed = parseChatRequest(input);
  if (!parsed.ok) {
    throw new ConduitError({ code: 'bad_request', message: `The request is malformed: ${parsed.problem}.` });
  }
  const request = parsed.request;
  const messages = request.messages.map((m) => ({ role: m.role, content: cleanText(m.content) }));
  const system = request.system === undefined ? undefined : cleanText(request.system);
  const chars = messages.reduce((n, m) => n + m.content.length, system?.length ?? 0);
  if (chars > opts.maxPromptChars) {
    throw new ConduitError({
      code: 'too_large',
      message: `The prompt is ${chars.toLocaleString('en-US')} characters; the limit is ${opts.maxPromptChars.toLocaleString('en-US')}. Shorten it or raise maxPromptChars in the config.`,
    });
  }
  if (messages[messages.length - 1]?.role !== 'user') {
    throw new ConduitError({ code: 'bad_request', message: 'The last message must come from the user.' });
  }
  return { ...request, messages, ...(system === undefined ? {} : { system }) };
}
