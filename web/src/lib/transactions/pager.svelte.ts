/**
 * Keyset paging as the merchant moves through it: the cursor of every page opened so far, so
 * "Previous page" goes back exactly (a keyset cursor only points forward). Page 1 has no cursor.
 */
export class HistoryPager {
  #cursors = $state<(string | null)[]>([null]);

  get cursor(): string | null {
    return this.#cursors.at(-1) ?? null;
  }

  get number(): number {
    return this.#cursors.length;
  }

  next(cursor: string): void {
    this.#cursors.push(cursor);
  }

  previous(): void {
    if (this.#cursors.length > 1) this.#cursors.pop();
  }

  reset(): void {
    this.#cursors = [null];
  }
}
