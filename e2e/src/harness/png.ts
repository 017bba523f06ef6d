import zlib from 'node:zlib';

/**
 * Real PNG files built in memory for upload tests: a decodable image (so the browser can
 * preview and re-encode it) of a chosen size, padded with a text chunk to an exact byte count.
 */
const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(buf: Buffer): number {
  let c = 0xffffffff;
  for (const b of buf) c = (CRC_TABLE[(c ^ b) & 0xff] ?? 0) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

export type Pixel = (x: number, y: number) => [number, number, number];

/** A noise image compresses badly, which is what an oversized upload needs. */
export const noise: Pixel = () => [
  Math.floor(Math.random() * 256),
  Math.floor(Math.random() * 256),
  Math.floor(Math.random() * 256)
];

/** A simple badge: a blue disc on white. */
export const badge =
  (size: number): Pixel =>
  (x, y) => {
    const d = Math.hypot(x - size / 2, y - size / 2);
    return d < size * 0.42 ? [29, 78, 216] : d < size * 0.46 ? [147, 197, 253] : [255, 255, 255];
  };

export function png(width: number, height: number, pixel: Pixel, padTo?: number): Buffer {
  const raw = Buffer.alloc((width * 3 + 1) * height);
  for (let y = 0; y < height; y++) {
    const row = y * (width * 3 + 1);
    for (let x = 0; x < width; x++) raw.set(pixel(x, y), row + 1 + x * 3);
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  const parts = [
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', zlib.deflateSync(raw))
  ];
  const end = chunk('IEND', Buffer.alloc(0));
  if (padTo !== undefined) {
    const used = parts.reduce((n, p) => n + p.length, 0) + end.length + 12;
    const fill = padTo - used - 'Comment'.length - 1;
    if (fill < 0) throw new Error(`the image is already ${used} bytes, over ${padTo}`);
    parts.push(chunk('tEXt', Buffer.concat([Buffer.from('Comment\0'), Buffer.alloc(fill, 0x61)])));
  }
  return Buffer.concat([...parts, end]);
}
