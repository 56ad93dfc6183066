import { z } from 'zod';

/**
 * `batch` in config.json. Providers finish batches within hours, so Conduit asks rarely: the
 * first poll after `pollInitialMs`, then twice the wait each time, up to `pollMaxMs`.
 */
export const batchSettingsSchema = z
  .object({
    pollInitialMs: z
      .number()
      .int()
      .min(10)
      .max(24 * 60 * 60_000)
      .default(30_000),
    pollMaxMs: z
      .number()
      .int()
      .min(10)
      .max(24 * 60 * 60_000)
      .default(10 * 60_000),
  })
  .strict();

export type BatchSettings = z.infer<typeof batchSettingsSchema>;
