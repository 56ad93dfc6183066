import { describe, expect, it } from 'vitest';
import { withReplacedModel } from '../../../extension/modelReplacement';

describe('withReplacedModel', () => {
  it('swaps the one model named for every tier, leaving other providers alone', () => {
    expect(
      withReplacedModel({ anthropic: 'claude-old', openai: 'gpt-x' }, 'anthropic', 'claude-old', 'claude-new'),
    ).toEqual({ anthropic: 'claude-new', openai: 'gpt-x' });
  });

  it('swaps only the tiers that name the retiring model', () => {
    const models = { anthropic: { simple: 'claude-old', moderate: 'claude-mid', complex: 'claude-old' } };
    expect(withReplacedModel(models, 'anthropic', 'claude-old', 'claude-new')).toEqual({
      anthropic: { simple: 'claude-new', moderate: 'claude-mid', complex: 'claude-new' },
    });
    // The setting's value is not changed in place: VS Code compares old and new.
    expect(models.anthropic.simple).toBe('claude-old');
  });

  it('is undefined when the settings do not name the model (it comes from config.json or the defaults)', () => {
    expect(withReplacedModel(undefined, 'anthropic', 'claude-old', 'claude-new')).toBeUndefined();
    expect(withReplacedModel({ anthropic: 'claude-other' }, 'anthropic', 'claude-old', 'claude-new')).toBeUndefined();
    expect(withReplacedModel({ openai: 'claude-old' }, 'anthropic', 'claude-old', 'claude-new')).toBeUndefined();
    expect(
      withReplacedModel({ anthropic: { simple: 'claude-mid' } }, 'anthropic', 'claude-old', 'claude-new'),
    ).toBeUndefined();
  });
});
