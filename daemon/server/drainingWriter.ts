import type * as net from 'node:net';
import { Message } from 'vscode-jsonrpc/node';
import { FrameWriter } from './frameWriter';
import type { ReplyPressure } from './replyPressure';

/**
 * A reply is on the socket only once its write callback runs, so ending the socket right after a
 * reply could drop it. This writer remembers pending writes so a closing session can wait for them.
 */
export class DrainingWriter extends FrameWriter {
  private readonly pending = new Set<Promise<void>>();
  private writes = 0;
  private bodiesDone: (() => void) | undefined;

  constructor(
    socket: net.Socket,
    private readonly pressure?: ReplyPressure,
  ) {
    super(socket);
  }

  override write(msg: Message): Promise<void> {
    this.writes++;
    const p = super.write(msg);
    this.pressure?.wrote(Message.isResponse(msg));
    this.pending.add(p);
    const forget = () => this.pending.delete(p);
    p.then(forget, forget);
    return p;
  }

  /**
   * Runs `fn` once the next message (the reply being prepared) has been written out. The
   * reply to `daemon/stop` must reach the client before the daemon starts closing sockets.
   */
  afterNextWrite(fn: () => void): void {
    const before = this.writes;
    const deadline = Date.now() + 1000;
    const check = () => {
      if (this.writes > before || Date.now() > deadline) void this.drain().then(fn);
      else setImmediate(check);
    };
    setImmediate(check);
  }

  protected override bodiesSettled(): void {
    if (this.bodiesWriting === 0) this.bodiesDone?.();
  }

  /** Resolves once every frame from writeBody (a stream's chunks) has been written out. */
  private bodiesFlushed(): Promise<void> {
    if (this.bodiesWriting === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const before = this.bodiesDone;
      this.bodiesDone = () => {
        this.bodiesDone = before;
        before?.();
        resolve();
      };
    });
  }

  /** Waits for pending writes, but never longer than `timeoutMs`: a peer that stopped reading must not hold us. */
  async drain(timeoutMs = 1000): Promise<void> {
    if (this.pending.size === 0 && this.bodiesWriting === 0) return;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, timeoutMs);
    });
    await Promise.race([Promise.allSettled([...this.pending, this.bodiesFlushed()]), timeout]);
    clearTimeout(timer);
  }
}
