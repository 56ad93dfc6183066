import { z } from 'zod';

/** A browser origin as the Origin header carries it: scheme, host and optional port, no path. */
const origin = z.string().regex(/^https?:\/\/[^/\s]+$/, 'an origin is scheme://host[:port], without a path');

/**
 * The local HTTP endpoint (docs/local-endpoint.md). Off by default; applied live. Any host other
 * than a loopback address must be named here explicitly: nothing widens it on its own.
 */
export const serverSchema = z
  .object({
    enabled: z.boolean().default(false),
    port: z.number().int().min(1).max(65_535).default(4141),
    host: z.string().min(1).max(255).default('127.0.0.1'),
    /** Browser origins allowed to call the endpoint (CORS); none by default, so pages cannot. */
    allowedOrigins: z.array(origin).max(32).default([]),
    /** The largest request body accepted; larger ones get 413 before they are parsed. */
    maxBodyBytes: z
      .number()
      .int()
      .min(1024)
      .max(256 * 1024 * 1024)
      .default(8 * 1024 * 1024),
    /** How long an idle keep-alive connection stays open after its last answer (Node's default). */
    keepAliveTimeoutMs: z.number().int().min(100).max(600_000).default(5_000),
  })
  .strict();

export type ServerSettings = z.infer<typeof serverSchema>;
