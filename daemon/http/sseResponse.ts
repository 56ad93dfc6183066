import type { ServerResponse } from 'node:http';

/**
 * Bytes a stream may leave unsent to its client before it stops pulling from its upstream: the
 * IPC socket's mark (server/replyPressure.ts), so a slow HTTP client holds no more of the
 * daemon's memory than a slow window does.
 */
export const SSE_WAIT_BYTES = 1024 * 1024;

/** The endpoint's flow-control figures, for `status`. */
export interface SsePressureFigures {
  /** Times a stream waited for its client to read. */
  streamWaits: number;
  /** The most bytes one response had written and not yet handed to the OS. */
  peakUnsentBytes: number;
}

/**
 * A server-sent-events response whose status line waits for the first event: until then a
 * failure (a budget refusal, a limit) can still go out as a plain HTTP error with its status.
 */
export class SseResponse {
  private opened = false;
  private drained: Promise<void> | undefined;

  constructor(
    private readonly res: ServerResponse,
    private readonly headers: Record<string, string>,
    private readonly figures?: SsePressureFigures,
    private readonly waitBytes = SSE_WAIT_BYTES,
  ) {}

  get started(): boolean {
    return this.opened;
  }

  get closed(): boolean {
    return this.res.destroyed || this.res.writableEnded;
  }

  /** `event: name` when named (Anthropic), bare `data:` lines otherwise (OpenAI). */
  send(data: unknown, event?: string): void {
    this.open();
    if (this.closed) return;
    const payload = typeof data === 'string' ? data : JSON.stringify(data);
    this.res.write(`${event !== undefined ? `event: ${event}\n` : ''}data: ${payload}\n\n`);
  }

  /**
   * After a chunk's events: undefined while the client keeps up (no promise on the way to every
   * token), else a promise that settles once it has read what was written or has gone away. The
   * stream waits on it before it asks its upstream for the next piece, so a client that stops
   * reading stops the upstream instead of growing the daemon's memory.
   */
  whenBehind(): Promise<void> | undefined {
    const unsent = this.res.writableLength;
    if (this.figures && unsent > this.figures.peakUnsentBytes) this.figures.peakUnsentBytes = unsent;
    // 'drain' comes only after a write found the buffer past the socket's own mark.
    if (unsent < this.waitBytes || !this.res.writableNeedDrain || this.closed) return undefined;
    if (this.figures) this.figures.streamWaits++;
    this.drained ??= new Promise<void>((resolve) => {
      const done = (): void => {
        this.res.off('drain', done);
        this.res.off('close', done);
        this.drained = undefined;
        resolve();
      };
      this.res.on('drain', done);
      this.res.on('close', done);
    });
    return this.drained;
  }

  end(): void {
    this.open();
    if (!this.closed) this.res.end();
  }

  private open(): void {
    if (this.opened) return;
    this.opened = true;
    this.res.writeHead(200, {
      ...this.headers,
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
    });
    this.res.flushHeaders();
  }
}
