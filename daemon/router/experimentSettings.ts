import { z } from 'zod';
import { ProviderIds } from '../../protocol';

const arm = z
  .object({
    name: z
      .string()
      .min(1)
      .max(40)
      .regex(/^[^/]+$/, 'an arm name may not contain "/"'),
    provider: z.enum(ProviderIds),
    model: z.string().min(1),
    weight: z.number().positive().default(1),
  })
  .strict();

const experiment = z
  .object({
    id: z
      .string()
      .min(1)
      .max(60)
      .regex(/^[^/]+$/, 'an experiment id may not contain "/"'),
    feature: z.string().min(1),
    /** Off keeps the experiment's results but stops assigning requests to it. */
    enabled: z.boolean().default(true),
    arms: z.array(arm).min(2),
  })
  .strict()
  .refine((e) => new Set(e.arms.map((a) => a.name)).size === e.arms.length, {
    message: 'arm names must be unique',
    path: ['arms'],
  });

export const experimentsSchema = z
  .array(experiment)
  .refine((list) => new Set(list.map((e) => e.id)).size === list.length, { message: 'experiment ids must be unique' });

export type ExperimentSettings = z.infer<typeof experiment>;
export type ArmSettings = z.infer<typeof arm>;
