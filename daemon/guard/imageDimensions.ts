import type { ImagePart } from '../../protocol';

/** Larger than any provider takes (they scale down to a few thousand pixels); beyond it is damage. */
export const MAX_IMAGE_SIDE = 65_535;

export interface ImageSize {
  width: number;
  height: number;
}

/**
 * The width and height an image's header declares, or undefined when the header is missing or
 * cut short: a file holding only a PNG signature is not an image, and would be charged for an
 * upstream 400. Reads headers only (PNG IHDR, JPEG SOFn, GIF screen descriptor, WebP VP8/VP8L/VP8X).
 */
export function imageDimensions(bytes: Buffer, type: ImagePart['mediaType']): ImageSize | undefined {
  switch (type) {
    case 'image/png':
      return png(bytes);
    case 'image/jpeg':
      return jpeg(bytes);
    case 'image/gif':
      return bytes.length >= 10 ? { width: bytes.readUInt16LE(6), height: bytes.readUInt16LE(8) } : undefined;
    case 'image/webp':
      return webp(bytes);
    default:
      return undefined;
  }
}

/** Declared dimensions that a real image can have. */
export function saneSize(size: ImageSize | undefined): boolean {
  return (
    size !== undefined &&
    size.width >= 1 &&
    size.height >= 1 &&
    size.width <= MAX_IMAGE_SIDE &&
    size.height <= MAX_IMAGE_SIDE
  );
}

function png(b: Buffer): ImageSize | undefined {
  // Signature (8), then the first chunk must be IHDR: length 13, type, width, height.
  if (b.length < 24 || b.readUInt32BE(8) !== 13 || b.toString('latin1', 12, 16) !== 'IHDR') return undefined;
  return { width: b.readUInt32BE(16), height: b.readUInt32BE(20) };
}

function jpeg(b: Buffer): ImageSize | undefined {
  let i = 2;
  while (i + 4 <= b.length) {
    if (b[i] !== 0xff) return undefined;
    const marker = b[i + 1]!;
    if (marker === 0xff) {
      i++;
      continue;
    } // fill byte
    if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      i += 2;
      continue;
    }
    if (marker === 0xd9 || marker === 0xda) return undefined; // end of image or scan data before any frame header
    const length = b.readUInt16BE(i + 2);
    if (length < 2) return undefined;
    // SOF0..SOF15, except DHT (C4), JPG (C8) and DAC (CC), which share the range.
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      if (i + 9 > b.length) return undefined;
      return { height: b.readUInt16BE(i + 5), width: b.readUInt16BE(i + 7) };
    }
    i += 2 + length;
  }
  return undefined;
}

function webp(b: Buffer): ImageSize | undefined {
  if (b.length < 30) return undefined;
  const chunk = b.toString('latin1', 12, 16);
  if (chunk === 'VP8 ') {
    // Key frame start code, then 14-bit width and height.
    if (b[23] !== 0x9d || b[24] !== 0x01 || b[25] !== 0x2a) return undefined;
    return { width: b.readUInt16LE(26) & 0x3fff, height: b.readUInt16LE(28) & 0x3fff };
  }
  if (chunk === 'VP8L') {
    if (b[20] !== 0x2f) return undefined;
    const bits = b.readUInt32LE(21);
    return { width: (bits & 0x3fff) + 1, height: ((bits >> 14) & 0x3fff) + 1 };
  }
  if (chunk === 'VP8X') {
    return { width: b.readUIntLE(24, 3) + 1, height: b.readUIntLE(27, 3) + 1 };
  }
  return undefined;
}
