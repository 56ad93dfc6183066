import type { WireProvider } from './script';

/** Where a request landed: which wire format, under which mount prefix. */
export interface Route {
  provider: WireProvider;
  /** Whatever came before `/v1/` or `/v1beta/`, e.g. '/compat' for an OpenAI-compatible mount. */
  prefix: string;
  /** The path without the prefix, e.g. '/v1/chat/completions'. */
  path: string;
  /** Gemini names the model in the path. */
  model?: string;
  /** Gemini's method: generateContent or streamGenerateContent. */
  action?: string;
}

const versioned = /^(.*?)(\/v1(?:beta)?\/.*)$/;
const geminiPath = /^\/v1(?:beta)?\/models\/([^/:]+):(generateContent|streamGenerateContent)$/;

/** Matches a pathname (no query) to a provider; a prefix is allowed so one server can host many mounts. */
export function matchRoute(pathname: string): Route | null {
  const m = versioned.exec(pathname);
  if (!m) return null;
  const prefix = m[1] ?? '';
  const path = m[2] ?? '';
  if (path === '/v1/messages') return { provider: 'anthropic', prefix, path };
  if (path === '/v1/chat/completions') return { provider: 'openai', prefix, path };
  const g = geminiPath.exec(path);
  if (g) return { provider: 'gemini', prefix, path, model: decodeURIComponent(g[1] ?? ''), action: g[2] };
  return null;
}
