import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ContentPart, ReasoningEffort, ResponseSchema } from '../../protocol';
import { sniffImage } from '../guard/imageCheck';
import { UsageError } from './context';

/** An image file as a content part; its type comes from its bytes, not its name. */
export function imagePart(file: string): ContentPart {
  let bytes: Buffer;
  try { bytes = fs.readFileSync(file); } catch (err) {
    throw new UsageError(`--image ${file}: cannot read it (${err instanceof Error ? err.message : String(err)}).`);
  }
  const mediaType = sniffImage(bytes);
  if (!mediaType) throw new UsageError(`--image ${file}: not a PNG, JPEG, GIF or WebP image.`);
  return { type: 'image', mediaType, data: bytes.toString('base64') };
}

/**
 * A schema file: either `{ "name", "schema", "description"? }` or a bare JSON Schema, which is
 * then named after the file.
 */
export function schemaFromFile(file: string): ResponseSchema {
  let value: unknown;
  try { value = JSON.parse(fs.readFileSync(file, 'utf8')); } catch (err) {
    throw new UsageError(`--schema ${file}: not a readable JSON file (${err instanceof Error ? err.message : String(err)}).`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new UsageError(`--schema ${file}: the file must hold a JSON Schema object.`);
  const obj = value as Record<string, unknown>;
  if (typeof obj.name === 'string' && typeof obj.schema === 'object' && obj.schema !== null) {
    return { name: obj.name, schema: obj.schema as Record<string, unknown>, ...(typeof obj.description === 'string' ? { description: obj.description } : {}) };
  }
  const name = path.basename(file).replace(/\.[^.]*$/, '').replace(/[^a-zA-Z0-9_-]/g, '_').slice(0, 64) || 'answer';
  return { name, schema: obj };
}

export function parseEffort(value: string): ReasoningEffort {
  if (value === 'low' || value === 'medium' || value === 'high') return value;
  throw new UsageError(`--effort must be low, medium or high, got "${value}".`);
}
