import * as os from 'node:os';
import { tokensEqual } from '../home/token';

/** Why a request was refused before any API handler saw it. */
export interface Refusal {
  status: 401 | 403 | 421;
  /** For the error body; says what to do next and never echoes the token. */
  message: string;
}

const LOOPBACK_NAMES = ['127.0.0.1', 'localhost', '[::1]'];

/** Listening on every interface: `0.0.0.0` (IPv4) or `::` (both, where the OS allows). */
export function isWildcardHost(host: string): boolean {
  return host === '0.0.0.0' || host === '::' || host === '[::]';
}

/** The machine's interface addresses, as they appear in a Host header (IPv6 in brackets). */
export function interfaceAddresses(): string[] {
  return Object.values(os.networkInterfaces())
    .flatMap((list) => list ?? [])
    .map((a) => a.address)
    .filter((a) => !a.includes('%'));
}

/**
 * The Host values this endpoint answers to. A DNS-rebinding page reaches 127.0.0.1 under its own
 * name, so only loopback names with our port pass, plus the configured host when it names
 * another interface explicitly. A wildcard host (`0.0.0.0`, `::`) was asked for by name, so the
 * machine's own addresses pass too: an IP literal is not a name a rebinding page can use. On
 * port 80 clients omit the port, so the bare names pass as well.
 */
export function allowedHosts(host: string, port: number, addresses: () => string[] = interfaceAddresses): Set<string> {
  const names = new Set(LOOPBACK_NAMES);
  const extra = isWildcardHost(host) ? addresses() : LOOPBACK_NAMES.includes(host) || host === '::1' ? [] : [host];
  for (const name of extra) names.add(name.includes(':') && !name.startsWith('[') ? `[${name}]` : name);
  const lower = [...names].map((n) => n.toLowerCase());
  return new Set([...lower.map((n) => `${n}:${port}`), ...(port === 80 ? lower : [])]);
}

export function checkHost(hostHeader: string | undefined, allowed: Set<string>): Refusal | undefined {
  if (hostHeader !== undefined && allowed.has(hostHeader.toLowerCase())) return undefined;
  return {
    status: 421,
    message: `Conduit's local endpoint answers only to ${[...allowed].join(', ')} in the Host header (got ${JSON.stringify(hostHeader ?? '')}); use one of those in the base URL.`,
  };
}

/**
 * A request with an Origin header comes from a browser page (or a tool imitating one). Pages are
 * refused unless their origin is configured in server.allowedOrigins, so a site the user visits
 * cannot spend through Conduit even with a token it somehow learned.
 */
export function checkOrigin(origin: string | undefined, allowedOrigins: readonly string[]): Refusal | undefined {
  if (origin === undefined || allowedOrigins.includes(origin)) return undefined;
  return {
    status: 403,
    message: `Requests from the browser origin ${JSON.stringify(origin)} are refused. To allow a page, add its origin to server.allowedOrigins.`,
  };
}

/** The presented token: `Authorization: Bearer T` (OpenAI, newer Anthropic SDKs) or `x-api-key: T` (Anthropic). */
export function presentedToken(headers: {
  authorization?: string | undefined;
  'x-api-key'?: string | string[] | undefined;
}): string | undefined {
  const auth = headers.authorization;
  if (auth !== undefined) {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(auth);
    if (m) return m[1];
  }
  const key = headers['x-api-key'];
  return typeof key === 'string' && key.length > 0 ? key.trim() : undefined;
}

export function checkToken(presented: string | undefined, token: string): Refusal | undefined {
  if (presented !== undefined && tokensEqual(presented, token)) return undefined;
  return {
    status: 401,
    message:
      presented === undefined
        ? 'No token. Send the endpoint token as the API key (Authorization: Bearer or x-api-key); `conduit serve --show-token` prints it.'
        : 'Wrong token. Use the endpoint token that `conduit serve --show-token` prints (not a provider key, not the IPC token).',
  };
}
