import type { Priority } from '../../protocol';

export interface Waiter<T> {
  readonly priority: Priority;
  readonly item: T;
}

/**
 * The requests waiting for capacity: interactive before background, first come first served
 * within a priority. Two arrays, because there are only two priorities and removal on cancel
 * must be immediate; a queue holds at most `maxQueue` entries, so splice is cheap.
 */
export class WaitQueue<W extends Waiter<unknown>> {
  private readonly interactive: W[] = [];
  private readonly background: W[] = [];

  get length(): number {
    return this.interactive.length + this.background.length;
  }

  count(priority: Priority): number {
    return priority === 'interactive' ? this.interactive.length : this.background.length;
  }

  push(w: W): void {
    (w.priority === 'interactive' ? this.interactive : this.background).push(w);
  }

  peek(): W | undefined {
    return this.interactive[0] ?? this.background[0];
  }

  shift(): W | undefined {
    return this.interactive.shift() ?? this.background.shift();
  }

  remove(w: W): boolean {
    const list = w.priority === 'interactive' ? this.interactive : this.background;
    const i = list.indexOf(w);
    if (i < 0) return false;
    list.splice(i, 1);
    return true;
  }

  /** Whether anyone waits who must be served before a new request of this priority. */
  hasAheadOf(priority: Priority): boolean {
    return priority === 'interactive' ? this.interactive.length > 0 : this.length > 0;
  }

  /** The waiters a new request of this priority would queue behind, in order. */
  ahead(priority: Priority): W[] {
    return priority === 'interactive' ? [...this.interactive] : [...this.interactive, ...this.background];
  }
}
