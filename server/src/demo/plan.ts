/**
 * What the demo buys, decided up front and deterministically (a seeded PRNG), so a seed run
 * can be reasoned about and tested: when each payment happens, for which app, in which
 * currency, for how much, and whether it is ever processed. The outcome of a processed one is
 * chosen by its cents (sandboxOutcome: .00–.79 success, .80–.89 failed, .90–.99 pending).
 */

export interface PlannedPayment {
  /** Index into the demo's apps. */
  app: number;
  currency: 'INR' | 'USD' | 'EUR';
  /** Minor units. */
  amountMinor: number;
  initiatedAt: Date;
  /** When it is processed; null leaves it initiated (an abandoned checkout). */
  processedAt: Date | null;
}

/** mulberry32: small, fast, good enough to make demo data look organic. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const DAY_MS = 24 * 60 * 60 * 1000;
const MINUTE = 60 * 1000;

interface AppProfile {
  /** Share of all payments. */
  share: number;
  currencies: readonly (readonly [PlannedPayment['currency'], number])[];
  /** Typical ticket, major units. */
  ticket: readonly [number, number];
}

const APP_PROFILES: readonly [AppProfile, AppProfile] = [
  { share: 0.6, currencies: [['INR', 1]], ticket: [150, 4500] },
  {
    share: 0.4,
    currencies: [
      ['USD', 0.7],
      ['EUR', 0.3]
    ],
    ticket: [5, 240]
  }
];

function pick<T>(rand: () => number, weighted: readonly (readonly [T, number])[]): T {
  let r = rand() * weighted.reduce((s, [, w]) => s + w, 0);
  for (const [v, w] of weighted) {
    if ((r -= w) < 0) return v;
  }
  const last = weighted[weighted.length - 1];
  if (!last) throw new Error('pick from nothing');
  return last[0];
}

/** Cents that make the sandbox answer: ~82% success, ~11% failed, ~7% pending. */
function cents(rand: () => number): number {
  const r = rand();
  const base = r < 0.82 ? 0 : r < 0.93 ? 80 : 90;
  const span = base === 0 ? 80 : 10;
  return base + Math.floor(rand() * span);
}

/**
 * `count` payments over the `days` days before `now`, oldest first: busier on weekdays and
 * growing towards today, during the day's waking hours, none in the future.
 */
export function planPayments(count: number, days: number, now: Date, seed: number) {
  const rand = prng(seed);
  const today = Math.floor(now.getTime() / DAY_MS) * DAY_MS;
  const latest = now.getTime() - 10 * MINUTE;
  // Each day's window of payments: 07:00–23:00, cut at "now" on the last day (which then gets
  // its share in proportion); weights rise towards today and dip at weekends.
  const windows = Array.from({ length: days + 1 }, (_, i) => {
    const start = today - (days - i) * DAY_MS;
    let lo = start + 7 * 60 * MINUTE;
    const hi = Math.min(start + 23 * 60 * MINUTE, latest);
    if (hi <= lo) lo = start;
    const weekend = [0, 6].includes(new Date(start).getUTCDay());
    const share = Math.max(0, hi - lo) / (16 * 60 * MINUTE);
    return [{ lo, hi }, (0.5 + i / days) * (weekend ? 0.6 : 1) * share] as const;
  });
  const out: PlannedPayment[] = [];
  for (let i = 0; i < count; i++) {
    const { lo, hi } = pick(rand, windows);
    const at = lo + rand() * (hi - lo);
    const app = rand() < APP_PROFILES[0].share ? 0 : 1;
    const profile = APP_PROFILES[app];
    const [min, max] = profile.ticket;
    const units = Math.floor(min + rand() * rand() * (max - min));
    const abandoned = rand() < 0.03;
    out.push({
      app,
      currency: pick(rand, profile.currencies),
      amountMinor: units * 100 + cents(rand),
      initiatedAt: new Date(at),
      processedAt: abandoned ? null : new Date(at + (5 + rand() * 175) * 1000)
    });
  }
  return out.sort((a, b) => a.initiatedAt.getTime() - b.initiatedAt.getTime());
}
