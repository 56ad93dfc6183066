import { describe, expect, it } from 'vitest';
import { joinNegativeValues } from '../../../../daemon/cli/negativeValues';

describe('joinNegativeValues', () => {
  it('joins a negative number to the value option before it', () => {
    expect(joinNegativeValues(['ask', '--max-tokens', '-1', 'hi'])).toEqual(['ask', '--max-tokens=-1', 'hi']);
    expect(joinNegativeValues(['--temperature', '-0.5'])).toEqual(['--temperature=-0.5']);
    expect(joinNegativeValues(['usage', '--since', '-5d'])).toEqual(['usage', '--since=-5d']);
    expect(joinNegativeValues(['logs', '-n', '-3'])).toEqual(['logs', '-n-3']);
  });

  it('leaves flags, positive values and everything after -- alone', () => {
    expect(joinNegativeValues(['ask', '--json', '-1'])).toEqual(['ask', '--json', '-1']);
    expect(joinNegativeValues(['ask', '--max-tokens', '5'])).toEqual(['ask', '--max-tokens', '5']);
    expect(joinNegativeValues(['ask', '--', '--max-tokens', '-1'])).toEqual(['ask', '--', '--max-tokens', '-1']);
    expect(joinNegativeValues(['ask', '--max-tokens', '-p'])).toEqual(['ask', '--max-tokens', '-p']);
  });
});
