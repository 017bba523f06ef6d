import { call, percentile, probe } from '../lib/http';
import { fmt, type Report } from '../lib/report';
import type { BenchServer } from '../lib/server';

/**
 * Benchmark 3: 20 concurrent sign-ins at the production scrypt cost (N=2^17, ~0.4 s of one
 * core each) must not stall other requests: scrypt runs in libuv's threadpool, so the event
 * loop keeps answering `/api/health`. The unloaded p99 is probed just before and just after
 * the loaded window (after: as long as the loaded window, up to 20 s) and pooled, so a busy
 * machine's spikes weigh on both sides alike.
 */
const SIGN_INS = 20;
const BASELINE_MS = 2000;

async function quiet(url: string, ms = BASELINE_MS): Promise<number[]> {
  const end = Date.now() + ms;
  return probe(url, () => Date.now() > end);
}

export async function signInBench(server: BenchServer, password: string, report: Report) {
  const { origin, fixtures } = server;
  if (fixtures.signIn.length < SIGN_INS) throw new Error('the bench server seeded too few users');
  const health = `${origin}/api/health`;
  const before = await quiet(health);

  let running = true;
  const started = Date.now();
  const signIns = Promise.all(
    fixtures.signIn
      .slice(0, SIGN_INS)
      .map((email) => call(origin, 'POST', '/api/auth/sign-in', { body: { email, password } }))
  ).finally(() => (running = false));
  const loaded = await probe(health, () => !running);
  await signIns;
  const loadedMs = Date.now() - started;
  const after = await quiet(health, Math.min(20_000, Math.max(BASELINE_MS, loadedMs)));

  const unloadedP99 = percentile([...before, ...after], 99);
  const loadedP99 = percentile(loaded, 99);
  const ratio = loadedP99 / unloadedP99;
  const name = '3 sign-in under load';
  report.add({
    bench: name,
    figure: `${SIGN_INS} concurrent sign-ins (scrypt ln=17)`,
    value: `all done in ${fmt.ms(loadedMs)}`
  });
  report.add({
    bench: name,
    figure: '/api/health p99 unloaded → loaded',
    value: `${fmt.ms(unloadedP99)} → ${fmt.ms(loadedP99)} (${loaded.length} probes)`
  });
  report.add({
    bench: name,
    figure: 'ratio loaded / unloaded p99',
    value: fmt.ratio(ratio),
    budget: '<= 3.00',
    pass: ratio <= 3
  });
}
