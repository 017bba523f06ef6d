import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { RESPONSE_EXCERPT_BYTES } from '@kspay/shared';
import { resolveTarget, TargetRefused, type TargetPolicy } from './ssrf';

export const DELIVERY_TIMEOUT_MS = 10_000;
/** A receiver's answer is read this far at most (the excerpt is the first 2 KB of it). */
const MAX_READ_BYTES = 64 * 1024;

export interface PostResult {
  /** The HTTP status, or null when no answer came (refused, timeout, connection error). */
  status: number | null;
  latencyMs: number;
  excerpt: string | null;
  error: string | null;
}

/** Answers the address already checked, whatever the name: no second DNS lookup. */
function pinnedLookup(address: string, family: 4 | 6): LookupFunction {
  return (_hostname, options, callback) => {
    if (options.all) callback(null, [{ address, family }]);
    else callback(null, address, family);
  };
}

/**
 * One POST of a signed body. Never follows a redirect (a 3xx is a failed attempt), gives up
 * after 10 s in all (connect, answer and body), and reads at most 64 KiB of the answer.
 */
export function makePoster(policy: TargetPolicy, opts: { timeoutMs?: number } = {}) {
  const timeoutMs = opts.timeoutMs ?? DELIVERY_TIMEOUT_MS;
  const agents = {
    'http:': new http.Agent({ keepAlive: true, maxSockets: 64 }),
    'https:': new https.Agent({ keepAlive: true, maxSockets: 64 })
  };

  async function post(
    target: string,
    headers: Record<string, string>,
    body: string
  ): Promise<PostResult> {
    const started = performance.now();
    const elapsed = () => Math.round(performance.now() - started);
    const url = new URL(target);
    let pinned;
    try {
      pinned = await resolveTarget(url, policy);
    } catch (err) {
      const error = err instanceof TargetRefused ? err.message : 'could not resolve the host';
      return { status: null, latencyMs: elapsed(), excerpt: null, error };
    }
    const lib = url.protocol === 'https:' ? https : http;
    return new Promise<PostResult>((resolve) => {
      let settled = false;
      const finish = (r: Omit<PostResult, 'latencyMs'>) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve({ ...r, latencyMs: elapsed() });
      };
      const req = lib.request(
        url,
        {
          method: 'POST',
          headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
          agent: agents[url.protocol === 'https:' ? 'https:' : 'http:'],
          lookup: pinnedLookup(pinned.address, pinned.family)
        },
        (res) => {
          const chunks: Buffer[] = [];
          let read = 0;
          res.on('data', (chunk: Buffer) => {
            if (read < RESPONSE_EXCERPT_BYTES) chunks.push(chunk);
            read += chunk.length;
            if (read > MAX_READ_BYTES) res.destroy();
          });
          const done = () =>
            finish({
              status: res.statusCode ?? null,
              excerpt: Buffer.concat(chunks)
                .subarray(0, RESPONSE_EXCERPT_BYTES)
                .toString('utf8')
                // A multi-byte character cut at 2 KB leaves a replacement character.
                .replace(/\uFFFD$/, ''),
              error: null
            });
          res.on('end', done);
          res.on('close', done);
          res.on('error', done);
        }
      );
      const timer = setTimeout(() => {
        req.destroy();
        finish({ status: null, excerpt: null, error: `no answer within ${timeoutMs / 1000} s` });
      }, timeoutMs);
      req.on('error', (err: NodeJS.ErrnoException) =>
        finish({ status: null, excerpt: null, error: err.code ?? err.message })
      );
      req.end(body);
    });
  }

  return {
    post,
    close() {
      agents['http:'].destroy();
      agents['https:'].destroy();
    }
  };
}

export type Poster = ReturnType<typeof makePoster>;
