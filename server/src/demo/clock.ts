import type { Clock } from '../lib/clock';

/**
 * The real time, unless pinned: the demo pins it to moments of the past 60 days while it makes
 * its transactions through the payments API, so every row is backdated by the code that
 * writes it (no row is edited afterwards). Unpinned, it is the system clock.
 */
export class DemoClock implements Clock {
  private pinned: Date | null = null;

  now(): Date {
    return this.pinned ? new Date(this.pinned) : new Date();
  }

  pin(at: Date | null): void {
    this.pinned = at ? new Date(at) : null;
  }
}
