import { z } from 'zod';
import { ProviderIds } from '../../protocol';

const tier = z.enum(['simple', 'moderate', 'complex']);
const overflowRule = z.enum(['refuse', 'trim']);

/** What a feature always uses, whatever the classifier says. A model here wins over routing. */
const featureRoute = z
  .object({
    provider: z.enum(ProviderIds).optional(),
    model: z.string().min(1).optional(),
    tier: tier.optional(),
  })
  .strict();

export const routingSchema = z
  .object({
    /** Off: every request goes to the provider's configured model, as before routing. */
    enabled: z.boolean().default(true),
    byFeature: z.record(z.string(), featureRoute).default({}),
    /**
     * The most tokens of conversation a feature may send (system prompt excluded); earlier
     * messages are dropped first and the last user message never. Absent: no trimming.
     */
    contextTokensByFeature: z.record(z.string(), z.number().int().positive()).default({}),
    /** A request over its model's context window (catalogue), found before sending. */
    contextWindow: z
      .object({
        /** Refuse with a clear error, or drop the earliest messages (never the last user message). */
        onOverflow: overflowRule.default('refuse'),
        overflowByFeature: z.record(z.string(), overflowRule).default({}),
        /** A larger-context model to send such a request to instead, when it fits there. */
        fallback: z
          .object({ provider: z.enum(ProviderIds), model: z.string().min(1) })
          .strict()
          .optional(),
      })
      .strict()
      .default({ onOverflow: 'refuse', overflowByFeature: {} }),
    /** Anthropic prompt caching for long, stable system prompts. */
    promptCaching: z
      .object({
        enabled: z.boolean().default(true),
        /** A system prompt of at least this many (estimated) tokens is marked cacheable. */
        minSystemTokens: z.number().int().min(1).default(1024),
      })
      .strict()
      .default({ enabled: true, minSystemTokens: 1024 }),
  })
  .strict();

export type RoutingSettings = z.infer<typeof routingSchema>;

export const tierModelsSchema = z
  .object({
    simple: z.string().min(1).optional(),
    moderate: z.string().min(1).optional(),
    complex: z.string().min(1).optional(),
  })
  .strict();
