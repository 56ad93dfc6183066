/**
 * OpenAI's strict structured outputs and Anthropic's tool input schemas take only an object at
 * the root, while a list of things is a common answer. Such a schema is sent wrapped as one
 * required property, and the answer is unwrapped before anyone sees it.
 */
export function isObjectRoot(schema: Record<string, unknown>): boolean {
  return (
    schema.type === 'object' ||
    (schema.type === undefined &&
      typeof schema.properties === 'object' &&
      schema.anyOf === undefined &&
      schema.oneOf === undefined)
  );
}

/** The property a non-object root is wrapped in: "items" for a list, "value" for anything else. */
export function wrapKeyFor(schema: Record<string, unknown>): string {
  return schema.type === 'array' ? 'items' : 'value';
}

export function wrapSchema(schema: Record<string, unknown>, key: string): Record<string, unknown> {
  return { type: 'object', properties: { [key]: schema }, required: [key], additionalProperties: false };
}

/** The wrapped answer's inner value as JSON text; text that is not the wrapper is left alone. */
export function unwrapAnswer(text: string, key: string): string {
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value === 'object' && value !== null && !Array.isArray(value) && key in value) {
      return JSON.stringify((value as Record<string, unknown>)[key]);
    }
  } catch {
    // Not JSON: the daemon's JSON check reports it, and asks for a repair.
  }
  return text;
}

/**
 * Unwraps a streamed wrapped answer piece by piece, so the client sees the inner value as it
 * comes: the opening `{"key":` is held until it is complete, and a closing `}` (with the
 * whitespace around it) is held back until more text shows it was not the end.
 */
export class StreamingUnwrapper {
  #head = '';
  #opened = false;
  #tail = '';
  #passthrough = false;
  /** Whether the inner value has begun: whitespace before it is the wrapper's. */
  #begun = false;

  constructor(private readonly key: string) {}

  push(piece: string): string {
    if (this.#passthrough) return piece;
    if (!this.#opened) {
      this.#head += piece;
      const m = /^\s*\{\s*"((?:[^"\\]|\\.)*)"\s*:\s*/.exec(this.#head);
      if (!m) {
        // Not (yet) the wrapper: give up as soon as it cannot become one.
        if (!/^\s*(\{\s*("([^"\\]|\\.)*"?\s*)?)?$/.test(this.#head)) return this.#giveUp();
        return '';
      }
      if (m[1] !== this.key) return this.#giveUp();
      this.#opened = true;
      piece = this.#head.slice(m[0].length);
    }
    if (!this.#begun) {
      piece = piece.trimStart();
      if (!piece) return '';
      this.#begun = true;
    }
    const text = this.#tail + piece;
    const end = /\s*\}?\s*$/.exec(text);
    const cut = end ? end.index : text.length;
    this.#tail = text.slice(cut);
    return text.slice(0, cut);
  }

  /** What is left at the end: the held-back text without the wrapper's closing brace. */
  finish(): string {
    if (this.#passthrough) return '';
    if (!this.#opened) return this.#head;
    return this.#tail.replace(/\s*\}\s*$/, '');
  }

  #giveUp(): string {
    this.#passthrough = true;
    return this.#head;
  }
}
