import { describe, expect, it } from 'vitest';
import { exactKey, semanticScope, semanticText } from '../../../../daemon/cache/cacheKey';
import { jpegOf, PNG_1PX } from '../../../fixtures/images';
import { req } from './helpers';

const tool = { name: 'get_weather', inputSchema: { type: 'object' } };

describe('cache keys for images, tools, schemas and effort', () => {
  it('a plain-text request keys exactly as before, with or without the new fields absent', () => {
    expect(exactKey(req('hi'))).toBe(exactKey({ ...req('hi'), tools: [] }));
  });

  it('changes with the image bytes, tools, tool choice, schema and effort', () => {
    const withImage = (data: string) =>
      req('what is this?', {
        messages: [
          {
            role: 'user',
            content: [
              { type: 'text', text: 'what is this?' },
              { type: 'image', mediaType: 'image/png', data },
            ],
          },
        ],
      });
    const keys = [
      exactKey(req('what is this?')),
      exactKey(withImage(PNG_1PX)),
      exactKey(withImage(jpegOf())),
      exactKey({ ...req('what is this?'), tools: [tool] }),
      exactKey({ ...req('what is this?'), tools: [tool], toolChoice: 'required' }),
      exactKey({ ...req('what is this?'), responseSchema: { name: 'a', schema: { type: 'object' } } }),
      exactKey({ ...req('what is this?'), reasoningEffort: 'high' }),
      exactKey({ ...req('what is this?'), reasoningEffort: 'low' }),
    ];
    expect(new Set(keys).size).toBe(keys.length);
    expect(semanticScope({ ...req('x'), tools: [tool] })).not.toBe(semanticScope(req('x')));
  });

  it('keys an image by a hash, not its bytes', () => {
    const big = req('x', {
      messages: [{ role: 'user', content: [{ type: 'image', mediaType: 'image/jpeg', data: jpegOf(300_000) }] }],
    });
    expect(exactKey(big)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('never matches by meaning a message that holds an image or a tool result', () => {
    expect(
      semanticText(req('x', { messages: [{ role: 'user', content: [{ type: 'text', text: 'Describe this  ' }] }] })),
    ).toBe('Describe this');
    expect(
      semanticText(
        req('x', {
          messages: [
            {
              role: 'user',
              content: [
                { type: 'text', text: 'Describe' },
                { type: 'image', mediaType: 'image/png', data: PNG_1PX },
              ],
            },
          ],
        }),
      ),
    ).toBeNull();
    expect(
      semanticText(
        req('x', { messages: [{ role: 'user', content: [{ type: 'tool_result', toolUseId: 't', content: 'rain' }] }] }),
      ),
    ).toBeNull();
  });
});
