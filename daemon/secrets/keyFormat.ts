import type { ProviderId } from '../../protocol';

export interface CheckedKey {
  /** The key with surrounding whitespace removed; stored as is otherwise. */
  key: string;
  /** Doubts about the key. The key is still stored: formats change, and a warning is enough. */
  warnings: string[];
}

const FORMATS: Partial<Record<ProviderId, { test: RegExp; looks: string }>> = {
  anthropic: { test: /^sk-ant-[A-Za-z0-9_-]{16,}$/, looks: 'sk-ant-…' },
  openai: { test: /^sk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{16,}$/, looks: 'sk-… or sk-proj-…' },
  gemini: { test: /^AIza[0-9A-Za-z_-]{30,}$/, looks: 'AIza…' },
};

/** Trims a key and says what looks wrong with it. Never echoes the key. */
export function checkKey(provider: ProviderId, raw: string): CheckedKey {
  const key = raw.trim();
  const warnings: string[] = [];
  if (/[\r\n]/.test(key)) warnings.push('the key contains a line break; was more than one line pasted?');
  else if (/\s/.test(key)) warnings.push('the key contains whitespace; was more than the key pasted?');
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001F\u007F]/.test(key.replace(/[\r\n\t]/g, ''))) warnings.push('the key contains control characters.');
  const format = FORMATS[provider];
  if (format && !/\s/.test(key) && !format.test.test(key)) {
    warnings.push(`this does not look like a ${provider} key (expected ${format.looks}).`);
  }
  if (provider === 'openai' && key.startsWith('sk-ant-'))
    warnings.push('this looks like an Anthropic key, not an OpenAI one.');
  return { key, warnings };
}

/** The most of a key Conduit ever shows. Short keys show less, so that little is revealed. */
export function last4(key: string): string {
  return key.length >= 16 ? key.slice(-4) : '';
}
