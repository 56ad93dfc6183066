import type { RedisOptions } from 'ioredis';

/** ioredis options for a team URL: the password comes separately, so the URL can be shown. */
export function redisOptions(url: string, password: string | undefined, commandTimeoutMs: number): RedisOptions {
  const u = new URL(url);
  const db = u.pathname.length > 1 ? Number(u.pathname.slice(1)) : 0;
  if (!Number.isInteger(db) || db < 0)
    throw new Error(`The Redis URL names database "${u.pathname.slice(1)}"; use a number, e.g. redis://host:6379/0.`);
  const fromUrl = u.password ? decodeURIComponent(u.password) : undefined;
  return {
    host: u.hostname,
    port: u.port ? Number(u.port) : 6379,
    ...(u.username ? { username: decodeURIComponent(u.username) } : {}),
    ...((password ?? fromUrl) ? { password: password ?? fromUrl } : {}),
    db,
    ...(u.protocol === 'rediss:' ? { tls: { servername: u.hostname } } : {}),
    // Fail fast while Redis is away instead of queueing: the caller falls back to its local part.
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    connectTimeout: Math.max(1000, commandTimeoutMs * 2),
    commandTimeout: commandTimeoutMs,
    // Keep trying forever, a little slower each time up to 2 s: the daemon rejoins by itself.
    retryStrategy: (times: number) => Math.min(100 * times, 2000),
    lazyConnect: true,
  };
}

/** The URL as status and logs may show it: no user info at all. */
export function displayUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.hostname}${u.port ? `:${u.port}` : ''}${u.pathname.length > 1 ? u.pathname : ''}`;
  } catch {
    return '(invalid Redis URL)';
  }
}
