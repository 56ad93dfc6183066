import type { ToWebview } from '../protocol';

/**
 * What the extension posts to the usage panel's page, held until the page listens (it posts
 * `ready`). The first snapshot is asked for as the panel is created, in parallel with the page's
 * load, so it can land before the page listens: then only the newest snapshot is held, with any
 * error after it, and both go at `ready`, once. A whole snapshot keeps its own first-paint part
 * ahead of it: the part is a few kB and the whole mostly breakdown, so the page paints the numbers
 * from the part and takes the whole after that frame. Live figures, alerts and export results are not held: `ready` starts a live tick.
 * Once the page has listened, posts go straight through, even while the panel is hidden: VS Code
 * drops what a hidden page cannot take, and a page shown again reloads and posts `ready`, which
 * reads a fresh snapshot. Holding again when the panel was reported hidden left the panel frozen
 * whenever a hide did not unload the page (it then never posts `ready` again).
 */
export class PageOutbox {
  private listening = false;
  private held: ToWebview[] = [];
  /** The generatedAt of the first-paint part written into the page's HTML (firstPaintWait.ts). */
  private inHtml: number | undefined;

  constructor(private readonly send: (message: ToWebview) => void) {}

  post(message: ToWebview): void {
    // The page took this part from its HTML: sending it again would only render it twice.
    if (message.type === 'snapshot' && message.snapshot.partial && message.snapshot.generatedAt === this.inHtml) return;
    if (this.listening) {
      this.send(message);
      return;
    }
    if (message.type === 'snapshot') {
      const at = message.snapshot.generatedAt;
      const ownPart = (m: ToWebview) =>
        !message.snapshot.partial &&
        m.type === 'snapshot' &&
        m.snapshot.partial === true &&
        m.snapshot.generatedAt === at;
      this.held = this.held.filter((m) => ownPart(m) || (m.type !== 'snapshot' && m.type !== 'error'));
    }
    if (message.type === 'snapshot' || message.type === 'error') this.held.push(message);
  }

  /** The page listens: what was held goes first, in order; later posts go straight through. */
  ready(): void {
    this.listening = true;
    const held = this.held;
    this.held = [];
    for (const m of held) this.send(m);
  }

  /** The page's HTML carries the first-paint part generated at `generatedAt`: it is not posted. */
  inPage(generatedAt: number): void {
    this.inHtml = generatedAt;
    this.held = this.held.filter(
      (m) => !(m.type === 'snapshot' && m.snapshot.partial && m.snapshot.generatedAt === generatedAt),
    );
  }

  /** Forgets what is held: it was asked for with filters the page does not have. */
  discard(): void {
    this.held = [];
  }
}
