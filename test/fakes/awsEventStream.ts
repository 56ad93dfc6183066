import { crc32 } from 'node:zlib';

/**
 * The AWS event-stream binary framing (application/vnd.amazon.eventstream), written out by hand
 * so that the SDK's decoder is tested against an independent encoder:
 *   prelude: total length (u32 BE), headers length (u32 BE), CRC32 of those 8 bytes;
 *   headers: name length (u8), name, value type (u8, 7 = string), value length (u16 BE), value;
 *   payload; then the CRC32 of everything before it.
 */
function encodeHeaders(headers: Record<string, string>): Buffer {
  const parts: Buffer[] = [];
  for (const [name, value] of Object.entries(headers)) {
    const n = Buffer.from(name, 'utf8');
    const v = Buffer.from(value, 'utf8');
    const head = Buffer.alloc(1 + n.length + 1 + 2);
    head.writeUInt8(n.length, 0);
    n.copy(head, 1);
    head.writeUInt8(7, 1 + n.length);
    head.writeUInt16BE(v.length, 2 + n.length);
    parts.push(head, v);
  }
  return Buffer.concat(parts);
}

export function encodeEventStreamMessage(headers: Record<string, string>, payload: Buffer): Buffer {
  const h = encodeHeaders(headers);
  const total = 12 + h.length + payload.length + 4;
  const out = Buffer.alloc(total);
  out.writeUInt32BE(total, 0);
  out.writeUInt32BE(h.length, 4);
  out.writeUInt32BE(crc32(out.subarray(0, 8)), 8);
  h.copy(out, 12);
  payload.copy(out, 12 + h.length);
  out.writeUInt32BE(crc32(out.subarray(0, total - 4)), total - 4);
  return out;
}

/** One InvokeModelWithResponseStream chunk: the model's JSON event, base64 in `bytes`. */
export function chunkFrame(json: string): Buffer {
  const payload = Buffer.from(JSON.stringify({ bytes: Buffer.from(json, 'utf8').toString('base64') }), 'utf8');
  return encodeEventStreamMessage(
    { ':event-type': 'chunk', ':content-type': 'application/json', ':message-type': 'event' },
    payload,
  );
}

/** An exception inside the stream, e.g. `throttlingException`, as Bedrock sends it after the 200. */
export function exceptionFrame(exceptionType: string, message: string): Buffer {
  const payload = Buffer.from(JSON.stringify({ message }), 'utf8');
  return encodeEventStreamMessage(
    { ':exception-type': exceptionType, ':content-type': 'application/json', ':message-type': 'exception' },
    payload,
  );
}
