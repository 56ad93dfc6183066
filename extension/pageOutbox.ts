import type { ToWebview } from '../protocol';

/**
 * What the extension posts to the usage panel's page, held until the page listens (it posts
 * `ready`). The first snapshot is asked for as the panel is created, in parallel with the page's
 * load, so it can land before the page listens: then only the newest snapshot is held (a whole one
 * supersedes its first-paint part, so nothing is drawn twice) with any error after it, and both go
 * at `ready`, once. Live figures, alerts and export results are not held: `ready` starts a live tick.
 */
export class PageOutbox {
  private listening = false;
  private held: ToWebview[] = [];

  constructor(private readonly send: (message: ToWebview) => void) {}

  post(message: ToWebview): void {
    if (this.listening) {
      this.send(message);
      return;
    }
    if (message.type === 'snapshot') this.held = this.held.filter((m) => m.type !== 'snapshot' && m.type !== 'error');
    if (message.type === 'snapshot' || message.type === 'error') this.held.push(message);
  }

  /** The page listens: what was held goes first, in order; later posts go straight through. */
  ready(): void {
    this.listening = true;
    const held = this.held;
    this.held = [];
    for (const m of held) this.send(m);
  }

  /** The page is gone (a hidden panel's page is unloaded): hold again until its next `ready`. */
  unload(): void {
    this.listening = false;
  }

  /** Forgets what is held: it was asked for with filters the page does not have. */
  discard(): void {
    this.held = [];
  }
}
