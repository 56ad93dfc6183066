import { describe, expect, it } from 'vitest';
import { imageDimensions, saneSize } from '../../../../daemon/guard/imageDimensions';
import { jpegOf, PNG_1PX } from '../../../fixtures/images';

const b = (...parts: (number[] | string)[]) =>
  Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'latin1') : Buffer.from(p))));
const le16 = (n: number) => [n & 0xff, n >> 8];
const le24 = (n: number) => [n & 0xff, (n >> 8) & 0xff, n >> 16];

describe('imageDimensions reads the size each format declares in its header', () => {
  it('PNG: IHDR; a bare signature or a missing IHDR is no image', () => {
    expect(imageDimensions(Buffer.from(PNG_1PX, 'base64'), 'image/png')).toEqual({ width: 1, height: 1 });
    const signature = Buffer.from(PNG_1PX, 'base64').subarray(0, 8);
    expect(imageDimensions(signature, 'image/png')).toBeUndefined();
    const wrongChunk = Buffer.from(PNG_1PX, 'base64');
    wrongChunk.write('IDAT', 12, 'latin1');
    expect(imageDimensions(wrongChunk, 'image/png')).toBeUndefined();
  });

  it('JPEG: the SOF header after APPn segments; scan data before any frame header is no image', () => {
    expect(imageDimensions(Buffer.from(jpegOf(), 'base64'), 'image/jpeg')).toEqual({ width: 1, height: 1 });
    const big = b(
      [0xff, 0xd8],
      [0xff, 0xe1, 0x00, 0x04, 0, 0],
      [0xff, 0xc2, 0x00, 0x11, 0x08, 0x02, 0x58, 0x03, 0x20, 0x03],
    );
    expect(imageDimensions(big, 'image/jpeg')).toEqual({ width: 800, height: 600 });
    expect(imageDimensions(b([0xff, 0xd8, 0xff, 0xda, 0, 4, 0, 0]), 'image/jpeg')).toBeUndefined();
    expect(imageDimensions(b([0xff, 0xd8, 0xff]), 'image/jpeg')).toBeUndefined();
  });

  it('GIF: the logical screen; WebP: VP8, VP8L and VP8X', () => {
    expect(imageDimensions(b('GIF89a', le16(320), le16(200)), 'image/gif')).toEqual({ width: 320, height: 200 });
    const riff = (chunk: string, body: number[]) =>
      b('RIFF', [0, 0, 0, 0], 'WEBP', chunk, [0, 0, 0, 0], body, new Array(16).fill(0));
    expect(
      imageDimensions(riff('VP8 ', [0, 0, 0, 0x9d, 0x01, 0x2a, ...le16(640), ...le16(480)]), 'image/webp'),
    ).toEqual({ width: 640, height: 480 });
    const bits = (99 & 0x3fff) | ((49 & 0x3fff) << 14);
    expect(
      imageDimensions(
        riff('VP8L', [0x2f, bits & 0xff, (bits >> 8) & 0xff, (bits >> 16) & 0xff, bits >>> 24]),
        'image/webp',
      ),
    ).toEqual({ width: 100, height: 50 });
    expect(imageDimensions(riff('VP8X', [0, 0, 0, 0, ...le24(1919), ...le24(1079)]), 'image/webp')).toEqual({
      width: 1920,
      height: 1080,
    });
    expect(imageDimensions(b('RIFF', [0, 0, 0, 0], 'WEBP'), 'image/webp')).toBeUndefined();
  });

  it('sane sizes are 1 to 65535 pixels a side', () => {
    expect(saneSize({ width: 1, height: 1 })).toBe(true);
    expect(saneSize({ width: 0, height: 10 })).toBe(false);
    expect(saneSize({ width: 70_000, height: 10 })).toBe(false);
    expect(saneSize(undefined)).toBe(false);
  });
});
