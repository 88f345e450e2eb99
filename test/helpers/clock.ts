import type { Clock } from '../../src/core/ports.js';

/** A clock tests move by hand: the scheduler and the services read "now" from it. */
export class MutableClock implements Clock {
  constructor(private current: Date) {}

  now(): Date {
    return new Date(this.current);
  }

  set(at: Date | string): void {
    this.current = new Date(at);
  }

  advance(ms: number): void {
    this.current = new Date(this.current.getTime() + ms);
  }
}
