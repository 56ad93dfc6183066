import { findSecrets } from './secretScanner';

/** Scanner kinds exact enough to redact from every log line and message, not just prompts. */
const SCANNED_KINDS: ReadonlySet<string> = new Set([
  'private_key',
  'aws_access_key',
  'github_token',
  'slack_token',
  'slack_webhook',
  'stripe_key',
  'jwt',
]);

/**
 * The one redactor. Everything that leaves the daemon as text (logs, error messages, status)
 * goes through it. Known key values are removed verbatim; the patterns catch keys we were never
 * told about, such as one pasted into a prompt that ends up in an error message.
 */
const KEY_PATTERNS: RegExp[] = [
  /sk-ant-[A-Za-z0-9_-]{8,}/g,
  /sk-proj-[A-Za-z0-9_-]{8,}/g,
  /sk-[A-Za-z0-9_-]{16,}/g,
  /AIza[0-9A-Za-z_-]{20,}/g,
  // key=… in URLs (Gemini accepts the key as a query parameter).
  /([?&](?:key|api_key|apikey)=)[^&\s"']+/gi,
  // Authorization-style values that appear inline in messages.
  /(Bearer\s+)[A-Za-z0-9._~+/=-]{8,}/g,
];

const SECRET_HEADERS = new Set([
  'authorization',
  'x-api-key',
  'x-goog-api-key',
  'api-key',
  'proxy-authorization',
  'cookie',
]);

export const REDACTED = '[REDACTED]';

export class Redactor {
  private readonly secrets = new Set<string>();

  /** Registers a value that must never appear in output. Short values would over-redact. */
  addSecret(value: string | undefined): void {
    if (value && value.length >= 8) this.secrets.add(value);
  }

  text(input: string): string {
    let out = input;
    for (const secret of this.secrets) {
      if (out.includes(secret)) out = out.split(secret).join(REDACTED);
    }
    for (const re of KEY_PATTERNS) {
      re.lastIndex = 0;
      out = out.replace(re, (match: string, prefix?: string) =>
        typeof prefix === 'string' && match.startsWith(prefix) ? prefix + REDACTED : REDACTED,
      );
    }
    // Other well-known credential shapes (cloud, chat and code-hosting tokens, private keys).
    const found = findSecrets(out).filter((f) => SCANNED_KINDS.has(f.kind));
    for (let i = found.length - 1; i >= 0; i--) {
      const f = found[i]!;
      out = out.slice(0, f.start) + REDACTED + out.slice(f.end);
    }
    return out;
  }

  headers(headers: Record<string, string>): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(headers)) {
      out[k] = SECRET_HEADERS.has(k.toLowerCase()) ? REDACTED : this.text(v);
    }
    return out;
  }

  /** Deep-redacts any JSON-like value: strings through text(), secret header names blanked. */
  value(input: unknown, depth = 0): unknown {
    if (depth > 8) return '[…]';
    if (typeof input === 'string') return this.text(input);
    if (Array.isArray(input)) return input.map((v) => this.value(v, depth + 1));
    if (input instanceof Error) {
      return { name: input.name, message: this.text(input.message) };
    }
    if (input && typeof input === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(input as Record<string, unknown>)) {
        // A number, a flag or null is no credential: a request's `input_tokens` stays readable.
        const plain = typeof v === 'number' || typeof v === 'boolean' || v === null;
        out[k] =
          !plain && (SECRET_HEADERS.has(k.toLowerCase()) || /api[-_]?key|token|secret|password/i.test(k))
            ? REDACTED
            : this.value(v, depth + 1);
      }
      return out;
    }
    return input;
  }
}
