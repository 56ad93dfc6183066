import { z } from 'zod';
import {
  BatchProviderIds,
  ConduitError,
  PROFILE_NAME,
  type BatchProviderId,
  type BatchSubmitParams,
} from '../../protocol';
import { resolveProvider, type ConduitConfig } from '../config/config';
import { lazySchema } from '../config/lazySchema';
import { apiFieldsOf } from '../gateway/apiFields';
import { guardRequest } from '../guard/inputGuard';
import { capabilitiesOf } from '../providers/capabilities/modelCapabilities';
import { planRequest, type RequestPlan } from '../providers/capabilities/requestPlan';
import type { BatchAnswerKey, BatchEntry } from './batchTypes';

/** Anthropic's rule for custom_id, the strictest of the three, so one file suits every provider. */
const CUSTOM_ID = /^[A-Za-z0-9_-]{1,64}$/;
/** More than any provider takes in one batch (Anthropic: 100,000; OpenAI: 50,000). */
export const MAX_BATCH_LINES = 50_000;
const MAX_PROBLEMS_SHOWN = 20;

/** The params themselves, from any client; the lines are checked one by one below. */
const paramsSchema = lazySchema(() =>
  z
    .object({
      lines: z.array(z.string()).min(1, 'at least one line is required'),
      provider: z.string().optional(),
      model: z.string().min(1).max(200).optional(),
      feature: z.string().min(1).max(100).optional(),
      source: z.string().max(500).optional(),
      profile: z.string().regex(PROFILE_NAME).optional(),
    })
    .strict(),
);

export interface ParsedBatch {
  provider: BatchProviderId;
  model: string;
  entries: BatchEntry[];
}

/**
 * Checks every line before anything is sent: JSON, the ChatRequest shape (through the same
 * guard as live requests, secrets redacted as configured), the custom ids, that every line
 * goes to the batch's one provider and model, and that the model's rules take the request (the
 * same plan a live call is fitted by). Any problem refuses the whole batch, naming each bad line,
 * so a fixed file can simply be submitted again.
 */
export function parseBatchLines(
  params: BatchSubmitParams,
  config: ConduitConfig,
  env: NodeJS.ProcessEnv = process.env,
): ParsedBatch {
  const checked = paramsSchema().safeParse(params);
  if (!checked.success) {
    throw new ConduitError({
      code: 'bad_request',
      message: `The batch request is malformed: ${checked.error.issues.map((i) => `${i.path.join('.') || 'params'}: ${i.message}`).join('; ')}.`,
    });
  }
  const lines = checked.data.lines;
  const problems: string[] = [];
  const provider = batchProvider(params.provider ?? config.provider);
  const model = params.model ?? resolveProvider(config, provider, env).model;
  const entries: BatchEntry[] = [];
  const seen = new Map<string, number>();
  if (lines.length > MAX_BATCH_LINES) {
    throw new ConduitError({
      code: 'too_large',
      message: `The batch has ${lines.length} lines; the most one batch takes is ${MAX_BATCH_LINES}. Split the file.`,
    });
  }
  lines.forEach((text, index) => {
    const line = index + 1;
    if (text.trim() === '') return;
    const problem = (what: string) => problems.push(`line ${line}: ${what}`);
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (err) {
      problem(`not valid JSON (${err instanceof Error ? err.message : String(err)})`);
      return;
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      problem('expected a JSON object (a ChatRequest)');
      return;
    }
    const { custom_id: rawId, ...request } = value as Record<string, unknown>;
    const customId = rawId === undefined ? `line-${line}` : rawId;
    if (typeof customId !== 'string' || !CUSTOM_ID.test(customId)) {
      problem('custom_id must be 1–64 letters, digits, "_" or "-"');
      return;
    }
    const earlier = seen.get(customId);
    if (earlier !== undefined) {
      problem(`custom_id "${customId}" is already used on line ${earlier}`);
      return;
    }
    seen.set(customId, line);
    let guarded;
    try {
      guarded = guardRequest(request, { maxPromptChars: config.maxPromptChars, guard: config.guard }).request;
    } catch (err) {
      problem(err instanceof ConduitError ? err.message : String(err));
      return;
    }
    if (guarded.provider !== undefined && guarded.provider !== provider) {
      problem(`asks for provider "${guarded.provider}", but this batch goes to ${provider}; a batch has one provider`);
      return;
    }
    if (guarded.model !== undefined && guarded.model !== model) {
      problem(`asks for model "${guarded.model}", but this batch uses ${model}; a batch has one model (use --model)`);
      return;
    }
    // The same fields and the same fitting as a live call (targetCall, withCapabilities): what the
    // plan refuses, such as more stop sequences than the model takes, is this line's problem.
    let plan: RequestPlan;
    try {
      plan = planRequest(capabilitiesOf(provider, model), {
        model,
        messages: guarded.messages,
        maxTokens: guarded.max_tokens ?? config.defaultMaxTokens,
        ...(guarded.system !== undefined ? { system: guarded.system } : {}),
        ...(guarded.temperature !== undefined ? { temperature: guarded.temperature } : {}),
        ...apiFieldsOf(guarded),
      });
    } catch (err) {
      problem(err instanceof ConduitError ? err.message : String(err));
      return;
    }
    const answer: BatchAnswerKey = {
      ...(guarded.responseSchema ? { schemaTool: guarded.responseSchema.name } : {}),
      ...(plan.wrapKey ? { wrapKey: plan.wrapKey } : {}),
    };
    entries.push({
      customId,
      line,
      feature: guarded.feature ?? params.feature ?? 'batch',
      request: guarded,
      providerRequest: plan.request,
      ...(Object.keys(answer).length ? { answer } : {}),
    });
  });
  if (problems.length > 0) {
    const shown = problems.slice(0, MAX_PROBLEMS_SHOWN).join('\n  ');
    const more = problems.length > MAX_PROBLEMS_SHOWN ? `\n  …and ${problems.length - MAX_PROBLEMS_SHOWN} more` : '';
    throw new ConduitError({
      code: 'bad_request',
      message: `The batch was not submitted: ${problems.length} line${problems.length > 1 ? 's have' : ' has'} problems:\n  ${shown}${more}\nFix ${problems.length > 1 ? 'them' : 'it'} and submit the file again.`,
    });
  }
  if (entries.length === 0) {
    throw new ConduitError({
      code: 'bad_request',
      message: 'The batch has no requests: every line is blank. Put one ChatRequest per line (JSON lines).',
    });
  }
  return { provider, model, entries };
}

function batchProvider(id: string): BatchProviderId {
  if ((BatchProviderIds as readonly string[]).includes(id)) return id as BatchProviderId;
  throw new ConduitError({
    code: 'bad_request',
    message: `${id} has no Batch API; choose --provider ${BatchProviderIds.join(', ')}.`,
  });
}
