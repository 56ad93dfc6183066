import { imageDimensions, saneSize } from './imageDimensions';
import { ConduitError, partsOf, type ChatMessage, type ImagePart, type ProviderId } from '../../protocol';

const fmtMb = (bytes: number) => `${(bytes / 1_048_576).toFixed(1)} MB`;

/** The image kinds every provider takes, told apart by their first bytes. */
export function sniffImage(bytes: Buffer): ImagePart['mediaType'] | undefined {
  if (bytes.length >= 8 && bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])))
    return 'image/png';
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'image/jpeg';
  if (bytes.length >= 6 && /^GIF8[79]a$/.test(bytes.subarray(0, 6).toString('latin1'))) return 'image/gif';
  if (
    bytes.length >= 12 &&
    bytes.subarray(0, 4).toString('latin1') === 'RIFF' &&
    bytes.subarray(8, 12).toString('latin1') === 'WEBP'
  )
    return 'image/webp';
  return undefined;
}

const HEADER_BASE64_CHARS = 96 * 1024;

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * Each image is what it says it is: base64 that decodes to a PNG, JPEG, GIF or WebP of the
 * declared type. Checked before anything is sent, so the provider never answers with a 400.
 */
export function checkImageParts(messages: readonly ChatMessage[]): void {
  messages.forEach((m, i) => {
    partsOf(m.content).forEach((p, j) => {
      if (p.type !== 'image') return;
      const where = `messages.${i}.content.${j}`;
      if (m.role !== 'user')
        throw new ConduitError({ code: 'bad_request', message: `${where}: an image can only be in a user message.` });
      if (p.data.startsWith('data:'))
        throw new ConduitError({
          code: 'bad_request',
          message: `${where}: send the image as plain base64, without the "data:…;base64," prefix.`,
        });
      if (!BASE64.test(p.data) || p.data.length % 4 === 1)
        throw new ConduitError({ code: 'bad_request', message: `${where}: the image data is not valid base64.` });
      const actual = sniffImage(Buffer.from(p.data.slice(0, 64), 'base64'));
      if (!actual)
        throw new ConduitError({
          code: 'bad_request',
          message: `${where}: the data is not a PNG, JPEG, GIF or WebP image; convert it to one of those and send it again.`,
        });
      if (actual !== p.mediaType)
        throw new ConduitError({
          code: 'bad_request',
          message: `${where}: the image is declared ${p.mediaType} but its bytes are ${actual}; send mediaType "${actual}".`,
        });
      // A JPEG's frame header may follow up to 64 KB of EXIF; the first 96 KB of base64 covers it.
      const size = imageDimensions(Buffer.from(p.data.slice(0, HEADER_BASE64_CHARS), 'base64'), actual);
      if (!saneSize(size))
        throw new ConduitError({
          code: 'bad_request',
          message: `${where}: the image ${size ? `declares ${size.width}×${size.height} pixels` : 'has no readable header (cut short or damaged)'}; send a complete image.`,
        });
    });
  });
}

/**
 * Each provider's documented limits for images sent inline: Anthropic 5 MB an image and 100 a
 * request; OpenAI 20 MB an image (50 MB a request); Gemini 20 MB for the whole inline request.
 */
export const IMAGE_LIMITS: Record<ProviderId, { perImageBytes: number; totalBytes: number; count: number }> = {
  anthropic: { perImageBytes: 5 * 1_048_576, totalBytes: 32 * 1_048_576, count: 100 },
  openai: { perImageBytes: 20 * 1_048_576, totalBytes: 50 * 1_048_576, count: 500 },
  gemini: { perImageBytes: 20 * 1_048_576, totalBytes: 20 * 1_048_576, count: 3000 },
  openaiCompatible: { perImageBytes: 20 * 1_048_576, totalBytes: 50 * 1_048_576, count: 500 },
  // The cloud platforms serve the same models behind the makers' request formats and limits.
  anthropicBedrock: { perImageBytes: 5 * 1_048_576, totalBytes: 32 * 1_048_576, count: 100 },
  anthropicVertex: { perImageBytes: 5 * 1_048_576, totalBytes: 32 * 1_048_576, count: 100 },
  geminiVertex: { perImageBytes: 20 * 1_048_576, totalBytes: 20 * 1_048_576, count: 3000 },
  azureOpenai: { perImageBytes: 20 * 1_048_576, totalBytes: 50 * 1_048_576, count: 500 },
};

function decodedBytes(base64: string): number {
  const padding = base64.endsWith('==') ? 2 : base64.endsWith('=') ? 1 : 0;
  return Math.floor((base64.length * 3) / 4) - padding;
}

/** The images fit the provider that will receive them; otherwise a clear error, and nothing is sent. */
export function checkImageSizes(messages: readonly ChatMessage[], provider: ProviderId): void {
  const limit = IMAGE_LIMITS[provider];
  let total = 0;
  let count = 0;
  messages.forEach((m, i) => {
    partsOf(m.content).forEach((p, j) => {
      if (p.type !== 'image') return;
      const bytes = decodedBytes(p.data);
      total += bytes;
      count++;
      if (bytes > limit.perImageBytes) {
        throw new ConduitError({
          code: 'too_large',
          provider,
          message: `messages.${i}.content.${j}: the image is ${fmtMb(bytes)}; ${provider} takes at most ${fmtMb(limit.perImageBytes)} an image. Scale it down or crop it, then send it again.`,
        });
      }
    });
  });
  if (count > limit.count)
    throw new ConduitError({
      code: 'too_large',
      provider,
      message: `The request has ${count} images; ${provider} takes at most ${limit.count}.`,
    });
  if (total > limit.totalBytes)
    throw new ConduitError({
      code: 'too_large',
      provider,
      message: `The request's images add up to ${fmtMb(total)}; ${provider} takes at most ${fmtMb(limit.totalBytes)} in one request. Send fewer or smaller images.`,
    });
}
