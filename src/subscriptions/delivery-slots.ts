/**
 * How many deliveries of this process work on the database at once. One committed event
 * wakes every subscriber of the case's units together; unbounded, a thousand of them ask
 * the pool for a connection at the same moment, the pool's wait times out and commands
 * and queries of the same process fail with them. Deliveries wait here, in memory,
 * instead, and the pool keeps room for requests.
 */
export class DeliverySlots {
  private free: number;
  private readonly waiting: (() => void)[] = [];

  constructor(slots: number) {
    this.free = Math.max(1, slots);
  }

  async acquire(): Promise<() => void> {
    if (this.free > 0) {
      this.free -= 1;
    } else {
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiting.shift();
      if (next) next();
      else this.free += 1;
    };
  }
}
