import * as path from 'node:path';
import type { ContentPart, ReasoningEffort, ResponseSchema } from '../../protocol';
import { sniffImage } from '../guard/imageCheck';
import { UsageError } from './context';
import { FILE_LIMITS, readUserFile } from './readUserFile';
import { imageDimensions, saneSize } from '../guard/imageDimensions';

/** An image file as a content part; its type comes from its bytes, not its name. */
export function imagePart(file: string): ContentPart {
  const bytes = readUserFile(file, '--image', FILE_LIMITS.image);
  const mediaType = sniffImage(bytes);
  if (!mediaType) throw new UsageError(`--image ${file}: not a PNG, JPEG, GIF or WebP image.`);
  const size = imageDimensions(bytes, mediaType);
  if (!saneSize(size)) {
    const what = size
      ? `declares ${size.width}×${size.height} pixels`
      : 'has no readable image header (cut short or damaged)';
    throw new UsageError(`--image ${file}: ${what}; open it in an image viewer and save it again.`);
  }
  return { type: 'image', mediaType, data: bytes.toString('base64') };
}

/**
 * A schema file: either `{ "name", "schema", "description"? }` or a bare JSON Schema, which is
 * then named after the file.
 */
export function schemaFromFile(file: string): ResponseSchema {
  const text = readUserFile(file, '--schema', FILE_LIMITS.schema).toString('utf8');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new UsageError(
      `--schema ${file}: not a readable JSON file (${err instanceof Error ? err.message : String(err)}).`,
    );
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new UsageError(`--schema ${file}: the file must hold a JSON Schema object.`);
  const obj = value as Record<string, unknown>;
  if (typeof obj.name === 'string' && typeof obj.schema === 'object' && obj.schema !== null) {
    return {
      name: obj.name,
      schema: obj.schema as Record<string, unknown>,
      ...(typeof obj.description === 'string' ? { description: obj.description } : {}),
    };
  }
  const name =
    path
      .basename(file)
      .replace(/\.[^.]*$/, '')
      .replace(/[^a-zA-Z0-9_-]/g, '_')
      .slice(0, 64) || 'answer';
  return { name, schema: obj };
}

export function parseEffort(value: string): ReasoningEffort {
  if (value === 'low' || value === 'medium' || value === 'high') return value;
  throw new UsageError(`--effort must be low, medium or high, got "${value}".`);
}
