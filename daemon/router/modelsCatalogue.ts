import { ANTHROPIC_MODELS } from './anthropicModels';
import type { CatalogueModel } from './catalogueTypes';
import { GEMINI_MODELS } from './geminiModels';
import { OPENAI_MODELS } from './openaiModels';

export * from './catalogueTypes';

/** Every model Conduit knows; each provider's table lives in its own file. */
export const MODELS_CATALOGUE: readonly CatalogueModel[] = [...ANTHROPIC_MODELS, ...OPENAI_MODELS, ...GEMINI_MODELS];
