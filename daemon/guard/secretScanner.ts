import type { GuardRedaction } from '../../protocol';

/**
 * Finds secrets in free text: provider API keys, cloud and chat tokens, private-key blocks,
 * `.env`-style assignments and JWTs. Each pattern is tight enough that prose, hashes, UUIDs and
 * placeholders (the lookalikes in test/fixtures/secrets/) pass untouched; recall comes first,
 * and the corpus test keeps both honest.
 */
export interface Finding {
  kind: string;
  start: number;
  end: number;
}

interface Pattern {
  kind: string;
  re: RegExp;
  /** The capture group holding the secret, when the match carries context around it. */
  group?: number;
  /** Rejects matches that are placeholders rather than values. */
  accept?: (value: string) => boolean;
}

const ENV_NAME = String.raw`(?:[A-Za-z_][A-Za-z0-9_.-]*?)?(?:SECRET|PASSWORD|PASSWD|PASSPHRASE|TOKEN|API_?KEY|SECRET_?KEY|ACCESS_?KEY|PRIVATE_?KEY|AUTH_?KEY|CREDENTIALS?)`;

// Ordered: the specific kinds first, so that an Anthropic key is reported as one, not as an
// OpenAI-style "sk-" key.
const PATTERNS: readonly Pattern[] = [
  {
    kind: 'private_key',
    re: /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----[\s\S]*?(?:-----END (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----|$)/g,
  },
  { kind: 'anthropic_key', re: /(?<![A-Za-z0-9_-])sk-ant-(?:api\d\d-|admin\d\d-)?[A-Za-z0-9_-]{16,}/g },
  {
    kind: 'openai_key',
    re: /(?<![A-Za-z0-9_-])sk-(?:proj-|svcacct-|admin-|None-)?(?=[A-Za-z0-9_-]*\d)[A-Za-z0-9_-]{20,}/g,
  },
  { kind: 'google_api_key', re: /(?<![A-Za-z0-9_-])AIza[0-9A-Za-z_-]{30,}/g },
  { kind: 'aws_access_key', re: /(?<![A-Za-z0-9])(?:AKIA|ASIA|ABIA|ACCA)[0-9A-Z]{16}(?![A-Za-z0-9])/g },
  { kind: 'github_token', re: /(?<![A-Za-z0-9_])(?:gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{30,})/g },
  { kind: 'slack_token', re: /(?<![A-Za-z0-9-])xox[abposr]-(?:\d+-)+[A-Za-z0-9-]{8,}/g },
  { kind: 'slack_webhook', re: /https:\/\/hooks\.slack\.com\/services\/T[A-Z0-9]+\/B[A-Z0-9]+\/[A-Za-z0-9]{16,}/g },
  { kind: 'stripe_key', re: /(?<![A-Za-z0-9_])(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{16,}/g },
  { kind: 'jwt', re: /(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{16,}/g },
  // Credentials in a URL: scheme://user:password@host. Only the password goes.
  {
    kind: 'url_password',
    re: /\b[a-z][a-z0-9+.-]*:\/\/[^\s:@/]{1,64}:([^\s@/]{3,128})@[A-Za-z0-9.-]/g,
    group: 1,
    accept: (v) => !isPlaceholder(v),
  },
  // .env lines and shell exports: NAME=value where NAME says it is a secret. Only the value goes.
  {
    kind: 'env_secret',
    re: new RegExp(
      String.raw`(?:^|[\s;])(?:export\s+)?${ENV_NAME}[ \t]*=[ \t]*("[^"\n]{4,}"|'[^'\n]{4,}'|[^\s"'#;]{4,})`,
      'gim',
    ),
    group: 1,
    accept: (v) => !isPlaceholder(v.replace(/^["']|["']$/g, '')),
  },
];

/** Values that stand for a secret rather than being one: ${VAR}, <your-key>, xxxx, changeme… */
function isPlaceholder(value: string): boolean {
  const v = value.trim();
  // A reference to somewhere else: $VAR, ${VAR}, $(command), <fill me in>.
  if (/^[<$]/.test(v)) return true;
  if (/^\$\{?[A-Za-z_][A-Za-z0-9_]*\}?$/.test(v) || /^\$\(.*\)$/.test(v) || /^%[A-Za-z_]+%$/.test(v)) return true;
  if (/^<[^>]*>$/.test(v) || /^\[[^\]]*\]$/.test(v) || /^\{\{.*\}\}$/.test(v)) return true;
  if (/^(.)\1+$/.test(v)) return true;
  if (
    /^(?:x+|\*+|\.\.\.|\u2026|null|none|undefined|true|false|changeme|change_me|placeholder|redacted|\[REDACTED(?::[a-z_]+)?\]|your[-_ ].*|my[-_ ].*|example.*|dummy.*|todo)$/i.test(
      v,
    )
  )
    return true;
  if (/^(?:process\.env|os\.environ|getenv|env\(|secrets\.|vault:|ssm:|arn:)/i.test(v)) return true;
  if (/^\d{1,6}$/.test(v)) return true;
  return false;
}

// The exact patterns first; a context pattern (NAME=value, a URL password) adds a finding only
// where no exact one already says what the secret is. Ordered once: the scan runs on every
// streamed chunk and every string of a log line, and a copy and sort per call was most of what a
// stream allocated in it (docs/performance.md, "Sixth pass").
const SCAN_ORDER: readonly Pattern[] = [...PATTERNS].sort(
  (a, b) => Number(a.group !== undefined) - Number(b.group !== undefined),
);

/** Every secret in `text`, in order, without overlaps (the earlier, longer match wins). */
export function findSecrets(text: string): Finding[] {
  const found: Finding[] = [];
  for (const p of SCAN_ORDER) {
    p.re.lastIndex = 0;
    for (let m = p.re.exec(text); m !== null; m = p.re.exec(text)) {
      if (m[0].length === 0) {
        p.re.lastIndex++;
        continue;
      }
      const value = p.group !== undefined ? m[p.group] : m[0];
      if (value === undefined || (p.accept && !p.accept(value))) continue;
      const start = p.group !== undefined ? m.index + m[0].lastIndexOf(value) : m.index;
      const end = start + value.length;
      if (p.group !== undefined && found.some((f) => f.start < end && start < f.end)) continue;
      found.push({ kind: p.kind, start, end });
    }
  }
  return dedupe(found);
}

export function dedupe(found: Finding[]): Finding[] {
  // Nearly every text has no finding at all: no sort, no second array.
  if (found.length < 2) return found;
  found.sort((a, b) => a.start - b.start || b.end - a.end);
  const out: Finding[] = [];
  for (const f of found) {
    const last = out[out.length - 1];
    if (last && f.start < last.end) continue;
    out.push(f);
  }
  return out;
}

export function placeholder(kind: string): string {
  return `[REDACTED:${kind}]`;
}

/** Replaces each finding with a placeholder naming its kind, and counts them by kind. */
export function applyRedactions(
  text: string,
  findings: readonly Finding[],
): { text: string; redacted: GuardRedaction[] } {
  if (findings.length === 0) return { text, redacted: [] };
  let out = '';
  let at = 0;
  const counts = new Map<string, number>();
  for (const f of findings) {
    out += text.slice(at, f.start) + placeholder(f.kind);
    at = f.end;
    counts.set(f.kind, (counts.get(f.kind) ?? 0) + 1);
  }
  out += text.slice(at);
  return { text: out, redacted: [...counts].map(([kind, count]) => ({ kind, count })) };
}

export function redactSecrets(text: string): { text: string; redacted: GuardRedaction[] } {
  return applyRedactions(text, findSecrets(text));
}

/** Adds up redaction counts from several texts (messages, system prompt). */
export function mergeRedactions(lists: readonly GuardRedaction[][]): GuardRedaction[] {
  const counts = new Map<string, number>();
  for (const list of lists) for (const r of list) counts.set(r.kind, (counts.get(r.kind) ?? 0) + r.count);
  return [...counts].map(([kind, count]) => ({ kind, count }));
}
