import type { AppUpdate } from './update.svelte';

/** The worker `web/scripts/build-sw.js` writes next to index.html; its scope is the whole app. */
const SERVICE_WORKER_URL = '/service-worker.js';

/** How often an open page asks whether a new version was deployed (the browser also checks on navigations). */
const CHECK_EVERY_MS = 60 * 60 * 1000;

/** Longest wait for an idle moment before registering anyway (a page that is never idle). */
const IDLE_TIMEOUT_MS = 3000;

/** Resolves when the browser is next idle: after the page has rendered and settled. */
function whenIdle(): Promise<void> {
  return new Promise((resolve) => {
    if (typeof requestIdleCallback === 'function') {
      requestIdleCallback(() => resolve(), { timeout: IDLE_TIMEOUT_MS });
    } else {
      setTimeout(resolve, 0);
    }
  });
}

/**
 * Registers the service worker through workbox-window and connects it to the update prompt.
 * Nothing starts before the browser is idle after the first render (not even the download of
 * workbox-window), and workbox-window also waits for the page's `load` event, so installing the
 * precache never competes with the first visit's own downloads and rendering.
 */
export async function registerServiceWorker(update: AppUpdate): Promise<void> {
  if (!('serviceWorker' in navigator)) return;
  await whenIdle();
  const { Workbox } = await import('workbox-window');
  const wb = new Workbox(SERVICE_WORKER_URL, { scope: '/' });
  // Also fires for a worker that was already waiting when this page opened, and for one that
  // another tab's check found.
  wb.addEventListener('waiting', () => update.offer());

  const registration = await wb.register();
  if (!registration) return;

  update.connect({
    check: async () => {
      await wb.update();
    },
    activate: () => {
      const waiting = registration.waiting;
      if (!waiting) {
        location.reload();
        return;
      }
      navigator.serviceWorker.addEventListener('controllerchange', () => location.reload(), {
        once: true
      });
      // The generated worker calls skipWaiting() on this message (generateSW, skipWaiting: false).
      waiting.postMessage({ type: 'SKIP_WAITING' });
    }
  });

  const check = () => void update.check();
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible') check();
  });
  setInterval(check, CHECK_EVERY_MS);
}
