import type { WireProvider } from './script';

/** Where a request landed: which wire format, under which mount prefix. */
export interface Route {
  provider: WireProvider;
  /** Whatever came before `/v1/` or `/v1beta/`, e.g. '/compat' for an OpenAI-compatible mount. */
  prefix: string;
  /** The path without the prefix, e.g. '/v1/chat/completions'. */
  path: string;
  /** Gemini, Vertex, Bedrock and Azure name the model (or deployment) in the path. */
  model?: string;
  /** The method in the path: generateContent, streamRawPredict, invoke-with-response-stream… */
  action?: string;
}

const versioned = /^(.*?)(\/v1(?:beta)?\/.*)$/;
const geminiPath = /^\/v1(?:beta)?\/models\/([^/:]+):(generateContent|streamGenerateContent)$/;

const bedrockPath = /^(.*?)(\/model\/([^/]+)\/(invoke|invoke-with-response-stream))$/;
const azurePath = /^(.*?)(\/openai\/deployments\/([^/]+)\/chat\/completions)$/;
const vertexPath =
  /^\/v1(?:beta1)?\/projects\/[^/]+\/locations\/[^/]+\/publishers\/(anthropic|google)\/models\/([^/:]+):(rawPredict|streamRawPredict|generateContent|streamGenerateContent)$/;

/** The cloud platforms' paths: Bedrock's and Azure's carry no API version in the path. */
function matchPlatform(pathname: string): Route | null {
  const b = bedrockPath.exec(pathname);
  if (b)
    return {
      provider: 'bedrock',
      prefix: b[1] ?? '',
      path: b[2] ?? '',
      model: decodeURIComponent(b[3] ?? ''),
      action: b[4],
    };
  const a = azurePath.exec(pathname);
  if (a) return { provider: 'azure', prefix: a[1] ?? '', path: a[2] ?? '', model: decodeURIComponent(a[3] ?? '') };
  return null;
}

/** Matches a pathname (no query) to a provider; a prefix is allowed so one server can host many mounts. */
export function matchRoute(pathname: string): Route | null {
  const platform = matchPlatform(pathname);
  if (platform) return platform;
  const m = versioned.exec(pathname);
  if (!m) return null;
  const prefix = m[1] ?? '';
  const path = m[2] ?? '';
  if (path === '/v1/messages') return { provider: 'anthropic', prefix, path };
  if (path === '/v1/chat/completions') return { provider: 'openai', prefix, path };
  const v = vertexPath.exec(path);
  if (v)
    return {
      provider: v[1] === 'anthropic' ? 'vertexAnthropic' : 'vertexGemini',
      prefix,
      path,
      model: decodeURIComponent(v[2] ?? ''),
      action: v[3],
    };
  const g = geminiPath.exec(path);
  if (g) return { provider: 'gemini', prefix, path, model: decodeURIComponent(g[1] ?? ''), action: g[2] };
  return null;
}
