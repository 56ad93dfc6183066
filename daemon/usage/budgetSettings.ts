import { z } from 'zod';

const limits = z
  .object({
    dailyUsd: z.number().nonnegative().optional(),
    monthlyUsd: z.number().nonnegative().optional(),
  })
  .strict();

/** Spending limits: global and per feature, per calendar day and month (the daemon's local time). */
export const budgetSchema = z
  .object({
    dailyUsd: z.number().nonnegative().optional(),
    monthlyUsd: z.number().nonnegative().optional(),
    byFeature: z.record(z.string(), limits).default({}),
    /** block: refuse with budget_exceeded; downgrade: try a cheaper tier of the same provider first. */
    onExceed: z.enum(['block', 'downgrade']).default('block'),
    /**
     * A model the catalogue has no price for, while a budget applies: "reserve-dearest" reserves
     * and bills it at its provider's dearest prices (recorded as approximate); "refuse" refuses it.
     */
    unpricedModels: z.enum(['reserve-dearest', 'refuse']).default('reserve-dearest'),
    /** Warnings go out as alerts when spend crosses these shares of a budget. */
    warnAt: z.array(z.number().positive().max(1)).default([0.5, 0.8, 1]),
  })
  .strict();

export type BudgetSettings = z.infer<typeof budgetSchema>;
