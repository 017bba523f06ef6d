import { untrack } from 'svelte';

/**
 * For a panel in a tab, read through `OfflineRead`: loads it the first time the tab is shown
 * and again whenever the connection comes or goes (online: a fresh answer; offline: the copy
 * on screen becomes this device's copy, with its time). Call during component setup.
 */
export function loadWhenShown(
  read: { load(): Promise<void> },
  shown: () => boolean,
  online: () => boolean
): void {
  let loaded = false;
  $effect(() => {
    if (!shown() && !loaded) return;
    online();
    loaded = true;
    untrack(() => void read.load());
  });
}
