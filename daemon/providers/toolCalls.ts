import type { ToolCall, ToolCallDelta } from '../../protocol';

/**
 * Builds tool calls from streamed pieces, the same way for every provider: each call starts with
 * its id and name, and its arguments arrive as JSON text in any number of pieces. The pieces are
 * also kept for the client, which sees them as they come.
 */
export class ToolCallAssembler {
  /** By the provider's index, which for Anthropic is the content block's (1 after a text block). */
  readonly #calls = new Map<number, { ordinal: number; id: string; name: string; args: string; signature?: string }>();
  #pending: ToolCallDelta[] = [];

  /** `index` is the provider's; the client sees calls numbered from 0 in the order they start. */
  start(index: number, id: string, name: string, signature?: string): void {
    const ordinal = this.#calls.get(index)?.ordinal ?? this.#calls.size;
    this.#calls.set(index, { ordinal, id, name, args: '', ...(signature !== undefined ? { signature } : {}) });
    this.#pending.push({ index: ordinal, id, name, argumentsDelta: '' });
  }

  append(index: number, argumentsDelta: string): void {
    const call = this.#calls.get(index);
    if (!call || !argumentsDelta) return;
    call.args += argumentsDelta;
    this.#pending.push({ index: call.ordinal, argumentsDelta });
  }

  /** The pieces since the last call; the stream runner passes them on. */
  take(): ToolCallDelta[] {
    const out = this.#pending;
    this.#pending = [];
    return out;
  }

  get size(): number {
    return this.#calls.size;
  }

  calls(): ToolCall[] {
    return [...this.#calls.entries()]
      .sort(([a], [b]) => a - b)
      .map(([, c]) => ({
        id: c.id,
        name: c.name,
        input: parseArguments(c.args),
        ...(c.signature !== undefined ? { signature: c.signature } : {}),
      }));
  }
}

/**
 * A call's arguments as an object. Text that does not parse (a model can emit broken JSON) is
 * kept whole under `_unparsed`, so nothing is lost and the client can see what went wrong.
 */
export function parseArguments(text: string): Record<string, unknown> {
  if (!text.trim()) return {};
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
    return { _unparsed: text };
  } catch {
    return { _unparsed: text };
  }
}
