import { describe, expect, it } from 'vitest';
import { ConduitError, type ChatMessage } from '../../../../protocol';
import { checkImageParts, checkImageSizes, IMAGE_LIMITS, sniffImage } from '../../../../daemon/guard/imageCheck';
import { jpegOf, PNG_1PX, pngOf, TEXT_AS_BASE64 } from '../../../fixtures/images';

const withImage = (mediaType: 'image/png' | 'image/jpeg' | 'image/gif' | 'image/webp', data: string): ChatMessage[] => [
  {
    role: 'user',
    content: [
      { type: 'text', text: 'look' },
      { type: 'image', mediaType, data },
    ],
  },
];

function errorOf(f: () => void): ConduitError {
  try {
    f();
  } catch (err) {
    if (err instanceof ConduitError) return err;
    throw err;
  }
  throw new Error('expected a ConduitError');
}

describe('image checks', () => {
  it('tells PNG, JPEG, GIF and WebP apart by their first bytes', () => {
    expect(sniffImage(Buffer.from(PNG_1PX, 'base64'))).toBe('image/png');
    expect(sniffImage(Buffer.from(jpegOf(), 'base64'))).toBe('image/jpeg');
    expect(sniffImage(Buffer.from('GIF89a\x01\x00', 'latin1'))).toBe('image/gif');
    expect(sniffImage(Buffer.concat([Buffer.from('RIFF'), Buffer.alloc(4), Buffer.from('WEBPVP8 ')]))).toBe(
      'image/webp',
    );
    expect(sniffImage(Buffer.from('%PDF-1.7'))).toBeUndefined();
  });

  it('accepts a real image of the declared type', () => {
    expect(() => checkImageParts(withImage('image/png', PNG_1PX))).not.toThrow();
  });

  it('refuses data that is no image, a type that does not match, a data: URL, bad base64, and an image from the assistant', () => {
    expect(errorOf(() => checkImageParts(withImage('image/png', TEXT_AS_BASE64)))).toMatchObject({
      code: 'bad_request',
      message: expect.stringContaining('not a PNG, JPEG, GIF or WebP'),
    });
    const mismatch = errorOf(() => checkImageParts(withImage('image/png', jpegOf())));
    expect(mismatch.message).toContain('declared image/png but its bytes are image/jpeg');
    expect(mismatch.message).toContain('messages.0.content.1');
    expect(
      errorOf(() => checkImageParts(withImage('image/png', `data:image/png;base64,${PNG_1PX}`))).message,
    ).toContain('without the "data:');
    expect(errorOf(() => checkImageParts(withImage('image/png', 'not base64!!'))).message).toContain(
      'not valid base64',
    );
    expect(
      errorOf(() =>
        checkImageParts([{ role: 'assistant', content: [{ type: 'image', mediaType: 'image/png', data: PNG_1PX }] }]),
      ).message,
    ).toContain('only be in a user message');
  });

  it('holds each provider to its own size limits: 6 MB passes OpenAI and Gemini but not Anthropic', () => {
    const six = withImage('image/png', pngOf(6 * 1_048_576));
    expect(() => checkImageSizes(six, 'openai')).not.toThrow();
    expect(() => checkImageSizes(six, 'gemini')).not.toThrow();
    const err = errorOf(() => checkImageSizes(six, 'anthropic'));
    expect(err.data).toMatchObject({ code: 'too_large', provider: 'anthropic' });
    expect(err.message).toContain('6.0 MB');
    expect(err.message).toContain('5.0 MB');
    expect(IMAGE_LIMITS.anthropic.perImageBytes).toBeLessThan(IMAGE_LIMITS.openai.perImageBytes);
  });

  it('adds up every image against the request limit (Gemini: 20 MB inline)', () => {
    const eight = pngOf(8 * 1_048_576);
    const three: ChatMessage[] = [
      {
        role: 'user',
        content: [1, 2, 3].map(() => ({ type: 'image' as const, mediaType: 'image/png' as const, data: eight })),
      },
    ];
    expect(errorOf(() => checkImageSizes(three, 'gemini')).message).toContain('add up to 24.0 MB');
    expect(() => checkImageSizes(three, 'openai')).not.toThrow();
  });
});
