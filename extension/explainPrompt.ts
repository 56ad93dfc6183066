import type { ChatRequest } from '../protocol';

const SYSTEM =
  'You explain code to a developer reading it in their editor. Be concise: what it does, how, and anything surprising. Use Markdown.';
const MAX_CODE_CHARS = 60_000;

/** The request behind every explanation, live or in a batch, so both read the same. Pure. */
export function explainRequest(code: string, languageId: string): ChatRequest {
  return {
    system: SYSTEM,
    messages: [
      {
        role: 'user',
        content: `Explain this ${languageId} code:\n\n\`\`\`${languageId}\n${code.slice(0, MAX_CODE_CHARS)}\n\`\`\``,
      },
    ],
    feature: 'explain',
  };
}
