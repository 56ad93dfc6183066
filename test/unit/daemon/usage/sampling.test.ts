import { describe, expect, it } from 'vitest';
import { Redactor } from '../../../../daemon/guard/redact';
import { sampleOf, samplingSchema } from '../../../../daemon/usage/sampling';

const request = {
  system: 'Be brief.',
  messages: [
    { role: 'user' as const, content: 'earlier question' },
    { role: 'assistant' as const, content: 'earlier answer' },
    { role: 'user' as const, content: 'My key is sk-ant-api03-FAKEFAKEFAKEFAKE0000 and my mail is ada@example.com' },
  ],
};
const on = samplingSchema.parse({ enabled: true });

describe('sampleOf', () => {
  it('keeps nothing unless sampling is on', () => {
    expect(sampleOf(request, 'answer', samplingSchema.parse({}), new Redactor())).toBeNull();
  });

  it('keeps the system prompt, the last user message and the answer, without secrets or PII', () => {
    const s = sampleOf(request, 'Reply to ada@example.com with AKIAFAKE0TEST0KEY000', on, new Redactor())!;
    expect(s.prompt).toContain('[system] Be brief.');
    expect(s.prompt).toContain('My key is');
    expect(s.prompt).not.toContain('earlier question');
    expect(s.prompt).not.toContain('sk-ant-api03-FAKEFAKEFAKEFAKE0000');
    expect(s.prompt).not.toContain('ada@example.com');
    expect(s.response).not.toContain('ada@example.com');
    expect(s.response).not.toContain('AKIAFAKE0TEST0KEY000');
  });

  it('samples at the configured rate and cuts long text', () => {
    const half = samplingSchema.parse({ enabled: true, rate: 0.5, maxChars: 100 });
    expect(sampleOf(request, 'x', half, new Redactor(), () => 0.7)).toBeNull();
    const s = sampleOf(request, 'y'.repeat(500), half, new Redactor(), () => 0.2)!;
    expect(s.response).toBe(`${'y'.repeat(100)}…`);
  });
});
