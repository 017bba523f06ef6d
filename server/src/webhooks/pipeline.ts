/** Results written in one transaction at most (6 parameters each, far below either database's limit). */
const MAX_RECORD_BATCH = 200;

/** How long a finished result waits for others to share its write. */
const GATHER_MS = 5;

export interface PipelineSteps<T, R> {
  /** Up to `n` items, each leased to this process until its result is recorded. */
  claim(n: number): Promise<T[]>;
  /** One item's work; never throws (a failure is a result). */
  run(item: T): Promise<R>;
  /** Writes many results at once. */
  record(results: R[]): Promise<void>;
  onError: (err: unknown) => void;
}

/**
 * A rolling pipeline, the shape the webhook benchmark (bench/src/benches/webhooks.ts) holds to
 * within 2× of a bare posting loop: up to `capacity` items in flight at once, each started as
 * soon as a slot frees, from a queue of claimed items refilled `capacity` at a time (a claim
 * costs a statement or two, so it is not made per item); results are written by group commit:
 * whatever finished during one turn of the event loop, or while the previous write ran, goes in
 * the next write. No slot waits for the slowest item of a batch, no item for its own commit.
 *
 * At most `capacity` items wait in the queue and `capacity` results wait to be written (no
 * claim while they do), so a slow database slows claiming instead of growing memory. A result
 * whose write fails or never happens (crash) is not lost: its item's lease runs out and it is
 * claimed again. Items still queued when `keepGoing` turns false stay claimed until the caller
 * releases them (or their lease runs out).
 */
export function rollingPipeline<T, R>(capacity: number, steps: PipelineSteps<T, R>) {
  /** Runs until nothing more is due (or `keepGoing` says stop), then waits for every result to be written. */
  const claimSize = capacity * 2;
  async function drain(keepGoing: () => boolean): Promise<number> {
    const queue: T[] = [];
    let inFlight = 0;
    let made = 0;
    const unrecorded: R[] = [];
    let writing = false;
    let wake: (() => void) | null = null;
    const signal = () => {
      const w = wake;
      wake = null;
      w?.();
    };
    const sleep = () => new Promise<void>((resolve) => (wake = resolve));

    const flush = () => {
      if (writing || unrecorded.length === 0) return;
      writing = true;
      const batch = unrecorded.splice(0, MAX_RECORD_BATCH);
      void steps
        .record(batch)
        .catch(steps.onError)
        .finally(() => {
          writing = false;
          flush();
          signal();
        });
    };
    const start = (item: T) => {
      inFlight++;
      void steps
        .run(item)
        .then((r) => {
          unrecorded.push(r);
          // After this turn's other I/O callbacks, so the answers that came together are
          // written together.
          if (unrecorded.length === 1) setTimeout(flush, GATHER_MS);
          else if (unrecorded.length >= claimSize) flush();
        }, steps.onError)
        .finally(() => {
          inFlight--;
          made++;
          signal();
        });
    };

    let more = true;
    while (keepGoing()) {
      while (inFlight < capacity && queue.length > 0) start(queue.shift() as T);
      if (more && queue.length === 0 && unrecorded.length < claimSize) {
        try {
          const items = await steps.claim(claimSize);
          queue.push(...items);
          // Fewer than asked for: nothing else is due now; the caller polls again later.
          more = items.length === claimSize;
        } catch (err) {
          steps.onError(err);
          more = false;
        }
        continue;
      }
      if (!more && queue.length === 0) break;
      await sleep();
    }
    while (inFlight > 0 || writing || unrecorded.length > 0) {
      flush();
      await sleep();
    }
    return made;
  }

  /** One claim of up to `capacity` items, all run, their results written together. */
  async function once(): Promise<number> {
    const items = await steps.claim(capacity);
    const results = await Promise.all(items.map((item) => steps.run(item)));
    await steps.record(results).catch(steps.onError);
    return items.length;
  }

  return { drain, once };
}
