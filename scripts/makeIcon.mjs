// Draws the extension icon (media/icon.png, 128x128): three streams joining into one, on a rounded
// square. Plain Node (zlib for the PNG), so anyone can redraw it with `node scripts/makeIcon.mjs`.
import { Buffer } from 'node:buffer';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';

const SIZE = 128;
const SAMPLES = 4; // per axis, for anti-aliased edges

function segmentDistance(px, py, ax, ay, bx, by) {
  const dx = bx - ax;
  const dy = by - ay;
  const t = Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)));
  return Math.hypot(px - (ax + t * dx), py - (ay + t * dy));
}

function roundedSquareInside(x, y, r) {
  const cx = Math.min(Math.max(x, r), SIZE - r);
  const cy = Math.min(Math.max(y, r), SIZE - r);
  return Math.hypot(x - cx, y - cy) <= r;
}

const JOIN = [70, 64];
const streams = [
  [20, 30],
  [20, 64],
  [20, 98],
];

function isStream(x, y) {
  if (streams.some(([sx, sy]) => segmentDistance(x, y, sx, sy, JOIN[0], JOIN[1]) <= 5.5)) return true;
  if (segmentDistance(x, y, JOIN[0], JOIN[1], 106, 64) <= 8) return true;
  return Math.hypot(x - JOIN[0], y - JOIN[1]) <= 11;
}

function pixel(x, y) {
  let r = 0;
  let g = 0;
  let b = 0;
  let a = 0;
  for (let i = 0; i < SAMPLES; i++) {
    for (let j = 0; j < SAMPLES; j++) {
      const sx = x + (i + 0.5) / SAMPLES;
      const sy = y + (j + 0.5) / SAMPLES;
      if (!roundedSquareInside(sx, sy, 26)) continue;
      a += 255;
      if (isStream(sx, sy)) {
        r += 255;
        g += 255;
        b += 255;
      } else {
        // Teal at the top left to blue at the bottom right.
        const t = (sx + sy) / (2 * SIZE);
        r += 13 + t * (29 - 13);
        g += 148 + t * (78 - 148);
        b += 136 + t * (216 - 136);
      }
    }
  }
  const n = SAMPLES * SAMPLES;
  const covered = a / 255;
  if (covered === 0) return [0, 0, 0, 0];
  return [r / covered, g / covered, b / covered, a / n].map(Math.round);
}

function crc32(buf) {
  let c = ~0;
  for (const byte of buf) {
    c ^= byte;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1;
  }
  return ~c >>> 0;
}

function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

const raw = Buffer.alloc(SIZE * (SIZE * 4 + 1));
for (let y = 0; y < SIZE; y++) {
  raw[y * (SIZE * 4 + 1)] = 0; // filter: none
  for (let x = 0; x < SIZE; x++) {
    const [r, g, b, a] = pixel(x, y);
    raw.set([r, g, b, a], y * (SIZE * 4 + 1) + 1 + x * 4);
  }
}
const header = Buffer.alloc(13);
header.writeUInt32BE(SIZE, 0);
header.writeUInt32BE(SIZE, 4);
header.set([8, 6, 0, 0, 0], 8); // 8 bits, RGBA, deflate, no filter, no interlace
const png = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  chunk('IHDR', header),
  chunk('IDAT', zlib.deflateSync(raw, { level: 9 })),
  chunk('IEND', Buffer.alloc(0)),
]);
const out = path.join(import.meta.dirname, '..', 'media', 'icon.png');
fs.writeFileSync(out, png);
process.stdout.write(`wrote ${out} (${png.length} bytes)\n`);
