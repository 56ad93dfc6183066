import type * as net from 'node:net';
import type { Readable } from 'node:stream';

/**
 * Unsent bytes on one connection past which its frames stop being read. A client that reads its
 * replies keeps this near zero (the OS takes a few hundred kB per socket before Node buffers
 * anything), so only a client that has stopped reading reaches it; a few MB still holds the
 * largest replies a window asks for (a usage export page, a status) several times over.
 */
export const READ_PAUSE_BYTES = 4 * 1024 * 1024;

/**
 * Unsent bytes past which a stream stops pulling from its upstream until the client reads.
 * Below READ_PAUSE_BYTES so that a stalled stream alone never stops the connection's reading:
 * the client's `$/cancelRequest` still arrives.
 */
export const STREAM_WAIT_BYTES = 1024 * 1024;

/**
 * Requests read from one connection and not yet answered, past which its frames stop being read.
 * vscode-jsonrpc queues every request it parses and dispatches one per turn of the event loop, so
 * without this a client writing faster than that grows the queue, and later the replies, without
 * limit. Twice the chat requests a connection may have in flight, so a request past those is still
 * read and answered `queue_full` at once.
 */
export const MAX_UNANSWERED_REQUESTS = 2048;

/**
 * Unsent bytes past which the connection is closed. Reading stops at READ_PAUSE_BYTES, but what
 * is already under way still writes: the replies of chat requests in flight (up to 1,024) and the
 * daemon's own notifications (alerts, finished jobs), which no client request paces. A window that
 * hangs for hours would otherwise collect every one of them. No client that reads gets near this.
 */
export const MAX_UNSENT_BYTES = 64 * 1024 * 1024;

export interface PressureLimits {
  readPauseBytes: number;
  streamWaitBytes: number;
  maxUnanswered: number;
  maxUnsentBytes: number;
}

export const DEFAULT_PRESSURE_LIMITS: PressureLimits = {
  readPauseBytes: READ_PAUSE_BYTES,
  streamWaitBytes: STREAM_WAIT_BYTES,
  maxUnanswered: MAX_UNANSWERED_REQUESTS,
  maxUnsentBytes: MAX_UNSENT_BYTES,
};

/** The daemon's figures over every connection, for `daemon/status`. */
export interface PressureFigures {
  /** Times a connection's reading stopped. */
  readPauses: number;
  /** Times a stream waited for its client to read before pulling the next piece. */
  streamWaits: number;
  /** The most bytes one connection had written and not yet handed to the OS. */
  peakUnsentBytes: number;
}

/**
 * One connection's flow control: the daemon stops reading a client that does not read its replies,
 * and a stream stops pulling from its upstream, so the socket's write buffer stays bounded. What
 * the client sent waits in the OS (which in turn stops the client's writes); nothing is dropped or
 * reordered, and a client that reads again gets every reply.
 */
export class ReplyPressure {
  private unanswered = 0;
  private paused = false;
  private drained: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  private resumed: () => void = () => undefined;
  private overflowed: (unsentBytes: number) => void = () => undefined;
  /** Some request is waiting for the client to read: later ones wait behind it, in order. */
  private handlersHeld = false;

  constructor(
    private readonly socket: net.Socket,
    /** What the socket's frames are read from: pausing it fills its buffers, then the socket's. */
    private readonly input: Readable,
    private readonly limits: PressureLimits,
    private readonly figures: PressureFigures,
  ) {
    socket.on('drain', this.onDrain);
    socket.on('close', this.onClose);
  }

  get readingPaused(): boolean {
    return this.paused;
  }

  /** Told each time reading starts again. */
  onResume(listener: () => void): void {
    this.resumed = listener;
  }

  /** Told when the unsent bytes pass MAX_UNSENT_BYTES: the connection is to be closed. */
  onOverflow(listener: (unsentBytes: number) => void): void {
    this.overflowed = listener;
  }

  /** A request was parsed from the connection. */
  requestRead(): void {
    this.unanswered++;
    if (!this.paused && this.unanswered >= this.limits.maxUnanswered) this.pause();
  }

  /** A frame went to the socket; `answer` when it answers a request. */
  wrote(answer: boolean): void {
    if (answer && this.unanswered > 0) this.unanswered--;
    const unsent = this.socket.writableLength;
    this.note(unsent);
    if (this.paused) this.resumeIfBelow();
    else if (unsent >= this.limits.readPauseBytes) this.pause();
  }

  /**
   * A stream's chunk went to the socket. Below the mark: undefined, no promise (the common case,
   * on the way to every token). Past it: a promise that settles once the client has read what was
   * written, or the connection closed; the stream waits on it before asking for its next piece.
   */
  chunkWritten(): Promise<void> | undefined {
    const unsent = this.socket.writableLength;
    this.note(unsent);
    if (unsent < this.limits.streamWaitBytes) return undefined;
    if (!this.paused && unsent >= this.limits.readPauseBytes) this.pause();
    const drained = this.whenDrained();
    if (drained) this.figures.streamWaits++;
    return drained;
  }

  /**
   * Before a request's handler runs: undefined, or, past the read mark, a promise that settles
   * once the client has read what was written. Requests read before reading stopped wait on it,
   * so their replies do not pile up behind the ones the client has not read.
   */
  beforeHandler(): Promise<void> | undefined {
    if (!this.handlersHeld && this.socket.writableLength < this.limits.readPauseBytes) return undefined;
    const drained = this.whenDrained();
    this.handlersHeld = drained !== undefined;
    return drained;
  }

  private whenDrained(): Promise<void> | undefined {
    // 'drain' is only emitted after a write found the buffer past the socket's own mark.
    if (!this.socket.writableNeedDrain || this.socket.destroyed) return undefined;
    this.drained ??= new Promise<void>((resolve) => {
      this.wake = resolve;
    });
    return this.drained;
  }

  private note(unsent: number): void {
    if (unsent > this.figures.peakUnsentBytes) this.figures.peakUnsentBytes = unsent;
    if (unsent > this.limits.maxUnsentBytes) this.overflowed(unsent);
  }

  private pause(): void {
    this.paused = true;
    this.figures.readPauses++;
    this.input.pause();
  }

  private resumeIfBelow(): void {
    if (this.unanswered >= this.limits.maxUnanswered || this.socket.writableLength >= this.limits.readPauseBytes)
      return;
    this.paused = false;
    this.input.resume();
    this.resumed();
  }

  private release(): void {
    const wake = this.wake;
    this.drained = this.wake = undefined;
    this.handlersHeld = false;
    wake?.();
  }

  private readonly onDrain = (): void => {
    this.release();
    if (this.paused) this.resumeIfBelow();
  };

  private readonly onClose = (): void => this.release();
}
