/**
 * Runs `fn` now, or, while a pointer is pressed, just after it is released. A field's error
 * appearing on blur moves the content below it; when the blur comes from pressing "Add App",
 * the button would slide away between press and release and the click would be lost. Deferring
 * the check past the release lets the click land first (it validates everything anyway).
 */
let pressed = false;

if (typeof window !== 'undefined') {
  window.addEventListener('pointerdown', () => (pressed = true), true);
  const release = () => (pressed = false);
  window.addEventListener('pointerup', release, true);
  window.addEventListener('pointercancel', release, true);
}

export function afterPress(fn: () => void): void {
  if (!pressed) {
    fn();
    return;
  }
  const run = () => {
    window.removeEventListener('pointerup', run, true);
    window.removeEventListener('pointercancel', run, true);
    // The click is dispatched right after pointerup in the same task: go after it.
    setTimeout(fn, 0);
  };
  window.addEventListener('pointerup', run, true);
  window.addEventListener('pointercancel', run, true);
}
