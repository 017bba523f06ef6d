import http from 'node:http';
import autocannon from 'autocannon';

/** One request as the browser would send it (the server's Origin guard wants its origin). */
export async function call<T>(
  origin: string,
  method: string,
  path: string,
  opts: { cookie?: string; body?: unknown; headers?: Record<string, string> } = {}
): Promise<T> {
  const headers: Record<string, string> = { ...opts.headers };
  if (method !== 'GET') headers.origin = origin;
  if (opts.cookie) headers.cookie = opts.cookie;
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${origin}${path}`, {
    method,
    headers,
    body: opts.body === undefined ? undefined : JSON.stringify(opts.body)
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
  return (text ? JSON.parse(text) : null) as T;
}

export interface LoadResult {
  rps: number;
  p50: number;
  p99: number;
  requests: number;
  /** Answers that were not 2xx, and socket errors: any one invalidates the figure. */
  failures: number;
}

export type LoadOptions = Omit<autocannon.Options, 'url'> & { url: string };

/** A closed-loop load from this process (loopback only), as autocannon measures it. */
export async function load(opts: LoadOptions): Promise<LoadResult> {
  const r = await autocannon({ connections: 10, pipelining: 1, ...opts });
  return {
    rps: r.requests.average,
    p50: r.latency.p50,
    p99: r.latency.p99,
    requests: r.requests.total,
    failures: r.non2xx + r.errors + r.timeouts
  };
}

/**
 * Latencies (ms, sub-millisecond resolution) of sequential GETs on one keep-alive socket,
 * one every `gapMs`, until `until()` says stop. autocannon's histogram counts whole
 * milliseconds, too coarse for a health check that answers in a fraction of one.
 */
export async function probe(url: string, until: () => boolean, gapMs = 2): Promise<number[]> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const out: number[] = [];
  try {
    while (!until()) {
      const t0 = process.hrtime.bigint();
      await new Promise<void>((resolve, reject) => {
        http
          .get(url, { agent }, (res) => {
            res.resume();
            res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(url))));
          })
          .on('error', reject);
      });
      out.push(Number(process.hrtime.bigint() - t0) / 1e6);
      await new Promise((r) => setTimeout(r, gapMs));
    }
  } finally {
    agent.destroy();
  }
  return out;
}

export function percentile(values: number[], p: number): number {
  const sorted = values.toSorted((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

export const median = (values: number[]) => percentile(values, 50);
