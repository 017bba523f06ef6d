/**
 * An object URL for a Blob held in state (a logo picked or waiting in the outbox), revoked
 * when the Blob changes or the component goes away so previews do not leak memory. Create it
 * during component initialisation (it owns an `$effect`).
 */
export class BlobUrl {
  url = $state<string | null>(null);

  constructor(blob: () => Blob | null | undefined) {
    $effect(() => {
      const b = blob();
      if (!b) {
        this.url = null;
        return;
      }
      const url = URL.createObjectURL(b);
      this.url = url;
      return () => URL.revokeObjectURL(url);
    });
  }
}
