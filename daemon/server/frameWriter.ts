import type * as net from 'node:net';
import { AbstractMessageWriter, type Message, type MessageWriter } from 'vscode-jsonrpc/node';

/**
 * A JSON-RPC writer that puts each frame, header and body, on the socket in one write.
 * vscode-jsonrpc's StreamMessageWriter writes the header, waits for it to be flushed, then writes
 * the body: two system calls per message, and the reader on the other end wakes up twice, once for
 * a header it cannot use yet. On the reply path of every request that cost more than the rest of
 * the daemon's JavaScript (bench/profile.ts; docs/performance.md). The frame format is the same
 * (`Content-Length: N\r\n\r\n` + UTF-8 JSON), so either end may still use the stock writer.
 */
export class FrameWriter extends AbstractMessageWriter implements MessageWriter {
  private errorCount = 0;

  constructor(private readonly socket: net.Socket) {
    super();
    socket.on('error', (err) => this.fireError(err));
    socket.on('close', () => this.fireClose());
  }

  write(msg: Message): Promise<void> {
    const body = JSON.stringify(msg);
    return new Promise((resolve, reject) => {
      this.socket.write(`Content-Length: ${Buffer.byteLength(body, 'utf8')}\r\n\r\n${body}`, 'utf8', (err) => {
        if (!err) return resolve();
        this.fireError(err, msg, ++this.errorCount);
        reject(err);
      });
    });
  }

  end(): void {
    this.socket.end();
  }
}
