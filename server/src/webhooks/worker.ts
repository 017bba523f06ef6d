import { randomBase62 } from '@kspay/shared/ids';
import type { Services } from '../env';
import { secretBox } from '../lib/secret-box';
import { sendInBackground } from '../lib/mailer';
import { deliveryStore, type ClaimedAttempt } from '../store/deliveries';
import { deliveryResults, type AttemptResult } from '../store/delivery-results';
import { eventStore } from '../store/events';
import { rollingPipeline } from './pipeline';
import { makePoster, type Poster } from './post';
import { recipientsForApp } from './recipients';
import { signingKey, webhookHeaders } from './signing';
import type { Resolver } from './ssrf';

const BASE_DELAY_MS = 10_000;
const MAX_DELAY_MS = 6 * 60 * 60 * 1000;
const PRUNE_EVERY_MS = 60 * 60 * 1000;

/**
 * The wait before attempt `attempt + 1`: 10 s doubling per attempt up to 6 h, times a random
 * factor in [0.5, 1) ("equal jitter"), so endpoints that failed together do not retry together.
 */
export function retryDelayMs(attempt: number, random: () => number = Math.random): number {
  const base = Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** Math.min(attempt - 1, 30));
  return Math.round(base / 2 + (base / 2) * random());
}

/** The body posted for an event: the same JSON `/v1/events` serves for it. */
export function eventBody(
  a: Pick<ClaimedAttempt, 'eventId' | 'type' | 'eventCreatedAt' | 'payload'>
) {
  return `{"id":${JSON.stringify(a.eventId)},"type":${JSON.stringify(a.type)},"createdAt":${JSON.stringify(a.eventCreatedAt)},"data":${a.payload}}`;
}

/** A claimed attempt with the key(s) that sign it. */
interface Signed {
  attempt: ClaimedAttempt;
  keys: Buffer[];
}

export interface WorkerOptions {
  /** Attempts in flight at once. */
  concurrency?: number;
  /** How often to look for due attempts when idle. */
  pollMs?: number;
  resolver?: Resolver;
  random?: () => number;
  timeoutMs?: number;
}

/**
 * Delivers due attempts through a rolling pipeline (pipeline.ts): claims attempts as slots
 * free, posts each one signed, records results in batches. An attempt's result and, on
 * failure, its retry commit together (delivery-results.ts), so an event is retried until
 * acknowledged (or 3 days); an attempt made but not recorded (crash) is made again after its
 * lease. Time comes from `s.clock`; `runOnce()` lets tests drive it step by step.
 */
export function webhookWorker(s: Services, opts: WorkerOptions = {}) {
  // Names this process's leases (`claimed_by`); never shown.
  const id = `worker-${process.pid}-${randomBase62(8)}`;
  const concurrency = opts.concurrency ?? 32;
  const pollMs = opts.pollMs ?? 1000;
  const store = deliveryStore(s.db, s.clock);
  const recordMany = deliveryResults(s.db, s.clock);
  const events = eventStore(s.db, s.clock);
  const box = secretBox(s.config.secretsKey);
  const poster: Poster = makePoster(
    { allowPrivateNetworks: s.config.webhooks.allowPrivateNetworks, resolver: opts.resolver },
    { timeoutMs: opts.timeoutMs }
  );
  let running = false;
  let timer: NodeJS.Timeout | null = null;
  let loop: Promise<void> | null = null;
  let lastPrune = 0;

  /**
   * Opens the signing keys a claimed batch needs, each once however many of the batch's
   * attempts go to its endpoint; they live as long as the attempts, in this process only.
   */
  async function claim(n: number): Promise<Signed[]> {
    const batch = await store.claim(id, n);
    const opened = new Map<string, Buffer>();
    const open = (sealed: string, endpointId: string) => {
      let key = opened.get(sealed);
      if (key === undefined) {
        key = signingKey(box.open(sealed, endpointId));
        opened.set(sealed, key);
      }
      return key;
    };
    const now = s.clock.now().toISOString();
    return batch.map((a) => {
      const keys = [open(a.secretEnc, a.endpointId)];
      // Both secrets sign for 24 h after a rotation, so receivers can switch at their pace.
      if (a.previousSecretEnc && a.previousExpiresAt && a.previousExpiresAt > now) {
        keys.push(open(a.previousSecretEnc, a.endpointId));
      }
      return { attempt: a, keys };
    });
  }

  async function attempt({ attempt: a, keys }: Signed): Promise<AttemptResult> {
    const body = eventBody(a);
    const headers = webhookHeaders(keys, a.eventId, s.clock.now(), body);
    const r = await poster.post(a.url, headers, body);
    const ok = r.status !== null && r.status >= 200 && r.status < 300;
    const redirect = r.status !== null && r.status >= 300 && r.status < 400;
    const error = redirect ? 'redirects are not followed' : r.error;
    return {
      attempt: a,
      outcome: { ok, status: r.status, latencyMs: r.latencyMs, excerpt: r.excerpt, error },
      retryInMs: retryDelayMs(a.attempt, opts.random)
    };
  }

  const pipeline = rollingPipeline(concurrency, {
    claim,
    run: attempt,
    async record(results) {
      const { disabled } = await recordMany(id, results);
      for (const a of disabled) await tellRecipients(a);
    },
    onError: (err) => s.log.error({ reason: String(err) }, 'webhook attempts failed to record')
  });

  async function tellRecipients(a: ClaimedAttempt) {
    s.log.warn({ endpointId: a.endpointId, appId: a.appId }, 'webhook endpoint disabled');
    for (const to of await recipientsForApp(s.db.db, a.appId)) {
      sendInBackground(
        s,
        {
          to,
          subject: 'A KS Pay webhook endpoint was disabled',
          text: `Every delivery to ${a.url} (app ${a.appId}) failed for 3 days, so KS Pay stopped sending to it.\n\nOpen the app's Settings → Webhooks to see the delivery log, fix the endpoint and enable it again; events from the last 30 days can be resent or read from GET /v1/events.\n`
        },
        'webhook disabled',
        { endpointId: a.endpointId }
      );
    }
  }

  async function prune() {
    const now = s.clock.now().getTime();
    if (now - lastPrune < PRUNE_EVERY_MS) return;
    lastPrune = now;
    const n = await events.prune();
    if (n > 0) s.log.info({ events: n }, 'old events pruned');
  }

  async function cycle(): Promise<void> {
    try {
      await prune();
      await pipeline.drain(() => running);
    } catch (err) {
      s.log.error({ reason: String(err) }, 'webhook worker cycle failed');
    }
    if (running) {
      timer = setTimeout(() => {
        loop = cycle();
      }, pollMs);
    }
  }

  return {
    id,
    /** Claims one batch, makes every attempt in it and records them; answers how many. */
    runOnce: () => pipeline.once(),
    /** Delivers until nothing is due, keeping `concurrency` attempts in flight; answers how many. */
    drain: () => pipeline.drain(() => true),
    start() {
      if (running) return;
      running = true;
      loop = cycle();
    },
    /** Stops claiming, finishes the attempts in flight (each ends within 10 s) and records them. */
    async stop() {
      running = false;
      if (timer) clearTimeout(timer);
      await loop;
      await store.release(id).catch(() => undefined);
      poster.close();
    },
    close: () => poster.close()
  };
}

export type WebhookWorker = ReturnType<typeof webhookWorker>;
