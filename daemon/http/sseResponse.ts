import type { ServerResponse } from 'node:http';

/**
 * A server-sent-events response whose status line waits for the first event: until then a
 * failure (a budget refusal, a limit) can still go out as a plain HTTP error with its status.
 */
export class SseResponse {
  private opened = false;

  constructor(
    private readonly res: ServerResponse,
    private readonly headers: Record<string, string>,
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
