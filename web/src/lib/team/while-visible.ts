/**
 * Calls `refresh` when the page comes back into view or regains focus, and every `everyMs`
 * while it is visible (a hidden tab asks nothing). Returns the cleanup for an `$effect`.
 */
export function refreshWhileVisible(refresh: () => void, everyMs: number): () => void {
  const again = () => {
    if (document.visibilityState === 'visible') refresh();
  };
  document.addEventListener('visibilitychange', again);
  window.addEventListener('focus', again);
  const timer = setInterval(again, everyMs);
  return () => {
    document.removeEventListener('visibilitychange', again);
    window.removeEventListener('focus', again);
    clearInterval(timer);
  };
}
