import { describe, expect, it } from 'vitest';
import { parseFromAnswerPage } from '../../../../protocol/answerView';

describe("the answer page's messages, as the extension checks them", () => {
  it('passes the known ones', () => {
    expect(parseFromAnswerPage({ type: 'ready' })).toEqual({ type: 'ready' });
    expect(parseFromAnswerPage({ type: 'rate', rating: -1 })).toEqual({ type: 'rate', rating: -1 });
    expect(parseFromAnswerPage({ type: 'copy', index: 2 })).toEqual({ type: 'copy', index: 2 });
    expect(parseFromAnswerPage({ type: 'action', action: 'setApiKey' })).toEqual({
      type: 'action',
      action: 'setApiKey',
    });
    expect(parseFromAnswerPage({ type: 'openLink', href: 'https://x.example' })).toEqual({
      type: 'openLink',
      href: 'https://x.example',
    });
  });

  it('drops anything else', () => {
    for (const m of [
      null,
      'ready',
      { type: 'rate', rating: 2 },
      { type: 'copy', index: -1 },
      { type: 'insert', index: 1.5 },
      { type: 'action', action: 'runCommand' },
      { type: 'openLink', href: 5 },
      { type: 'eval', code: 'x' },
    ])
      expect(parseFromAnswerPage(m), JSON.stringify(m)).toBeUndefined();
  });
});
