import fs from 'node:fs';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import type { Context } from 'hono';
import { getMimeType } from 'hono/utils/mime';

/**
 * The build writes `file.br` and `file.gz` beside each text file (adapter-static's
 * `precompress`; the service worker's by web/scripts/build-sw.js). This sends one of them to a
 * client that accepts it.
 *
 * A compressed copy is sent only once it is known to decode to the file's current bytes: a copy
 * left behind when the file was replaced (a deploy that copies only what changed, an edit in
 * place) is never sent — a stale `service-worker.js.br` would hide every new version from the
 * browsers' update checks, a stale `index.html.br` would serve the old shell. That check runs
 * once per version of the pair (keyed by both files' inode, size, mtime and ctime, so any write
 * to either starts it again) and keeps the checked bytes in memory (the build's are a few hundred
 * KB per coding), so what is sent is what was checked.
 * `@hono/node-server`'s own `precompressed` option trusts any copy it finds, hence this.
 */
const CODINGS = [
  { name: 'br', suffix: '.br', decode: promisify(zlib.brotliDecompress) },
  { name: 'gzip', suffix: '.gz', decode: promisify(zlib.gunzip) }
] as const;
type Coding = (typeof CODINGS)[number];

/** The media types the build compresses (html, js, css, svg, json, xml, txt). */
const COMPRESSIBLE = /^(?:text\/|application\/(?:json|xml|manifest\+json)|image\/svg\+xml)/;

/** Checked compressed copies by path: the pair's signature and the bytes, or null if stale. */
const checked = new Map<string, { key: string; bytes: Promise<Uint8Array<ArrayBuffer> | null> }>();

const signature = (s: fs.Stats) => `${s.ino}:${s.size}:${s.mtimeMs}:${s.ctimeMs}`;
const statFile = (p: string) =>
  fs.promises.stat(p).then(
    (s) => (s.isFile() ? s : undefined),
    () => undefined
  );

/**
 * The codings the client accepts, its preferred first (RFC 9110 §12.5.3): q=0 refuses one, a
 * coding not named takes the q of `*`, and equal q-values keep brotli before gzip. No header
 * means identity only.
 */
function acceptedCodings(header: string | undefined): Coding[] {
  const q = new Map<string, number>();
  for (const part of header?.split(',') ?? []) {
    const [name = '', ...params] = part.split(';').map((s) => s.trim().toLowerCase());
    const qParam = params.find((p) => p.startsWith('q='));
    const value = qParam === undefined ? 1 : Number(qParam.slice(2));
    if (name) q.set(name, Number.isFinite(value) ? value : 0);
  }
  const any = q.get('*') ?? 0;
  return CODINGS.map((coding) => ({ coding, q: q.get(coding.name) ?? any }))
    .filter((c) => c.q > 0)
    .sort((a, b) => b.q - a.q)
    .map((c) => c.coding);
}

/** `file` compressed with `coding`, if such a copy exists and decodes to `file` as it is now. */
async function checkedCopy(file: string, stat: fs.Stats, coding: Coding) {
  const copy = file + coding.suffix;
  const copyStat = await statFile(copy);
  if (!copyStat) return null;
  const key = `${signature(stat)}|${signature(copyStat)}`;
  const known = checked.get(copy);
  if (known?.key === key) return known.bytes;
  const bytes = Promise.all([fs.promises.readFile(file), fs.promises.readFile(copy)])
    .then(async ([original, compressed]) =>
      (await coding.decode(compressed)).equals(original) ? new Uint8Array(compressed) : null
    )
    .catch(() => null);
  checked.set(copy, { key, bytes });
  return bytes;
}

/** Whether compressed copies of `file` exist, so that its answer depends on Accept-Encoding. */
const hasCopies = async (file: string) =>
  (await Promise.all(CODINGS.map((c) => statFile(file + c.suffix)))).some(Boolean);

/**
 * Answers `c` with a checked compressed copy of `file` when the client accepts one, or returns
 * `sent: false` for the caller to send the file itself — then `vary` says whether that answer
 * must carry `Vary: Accept-Encoding` too (it does whenever copies exist, so a shared cache never
 * hands one client's identity answer to another as the only variant, or the reverse).
 */
export async function sendCompressed(
  c: Context,
  file: string
): Promise<{ sent: Response } | { sent: false; vary: boolean }> {
  const type = getMimeType(file);
  if (!type || !COMPRESSIBLE.test(type)) return { sent: false, vary: false };
  const stat = await statFile(file);
  if (!stat) return { sent: false, vary: false };
  // A range of the compressed bytes is of no use to anyone asking for a range: send the file.
  if (!c.req.header('Range')) {
    for (const coding of acceptedCodings(c.req.header('Accept-Encoding'))) {
      const bytes = await checkedCopy(file, stat, coding);
      if (!bytes) continue;
      c.header('Content-Type', type);
      c.header('Content-Encoding', coding.name);
      c.header('Vary', 'Accept-Encoding', { append: true });
      c.header('Content-Length', String(bytes.length));
      c.header('Last-Modified', stat.mtime.toUTCString());
      // (Hono answers HEAD by running GET and dropping the body, headers kept.)
      return { sent: c.body(bytes, 200) };
    }
  }
  return { sent: false, vary: await hasCopies(file) };
}
