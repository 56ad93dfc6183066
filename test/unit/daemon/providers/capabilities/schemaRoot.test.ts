import { describe, expect, it } from 'vitest';
import { StreamingUnwrapper, unwrapAnswer } from '../../../../../daemon/providers/capabilities/schemaRoot';

function streamed(pieces: string[], key = 'items'): string {
  const u = new StreamingUnwrapper(key);
  return pieces.map((p) => u.push(p)).join('') + u.finish();
}

describe('unwrapping a wrapped answer', () => {
  it('whole: the inner value as JSON; anything else unchanged', () => {
    expect(unwrapAnswer('{"items":[1,2]}', 'items')).toBe('[1,2]');
    expect(unwrapAnswer('not json', 'items')).toBe('not json');
    expect(unwrapAnswer('{"other":1}', 'items')).toBe('{"other":1}');
  });

  it('streamed, however the pieces fall', () => {
    const text = '{ "items" : [{"a":"}"}, "b"] }\n';
    for (let cut = 1; cut < text.length; cut++) {
      expect(streamed([text.slice(0, cut), text.slice(cut)])).toBe('[{"a":"}"}, "b"]');
    }
    expect(streamed(text.split(''))).toBe('[{"a":"}"}, "b"]');
    expect(streamed(['{"value": {"x": 1}}'], 'value')).toBe('{"x": 1}');
  });

  it('streamed text that is not the wrapper passes through', () => {
    expect(streamed(['Sorry, ', 'I cannot.'])).toBe('Sorry, I cannot.');
    expect(streamed(['{"other": 1}'])).toBe('{"other": 1}');
  });
});
