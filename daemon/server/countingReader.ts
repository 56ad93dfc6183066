import { Message, StreamMessageReader, type DataCallback, type Disposable } from 'vscode-jsonrpc/node';
import type { ReplyPressure } from './replyPressure';

/**
 * The stock reader, telling the connection's flow control of each request it parses. One read
 * can hold many frames, and the stock reader hands them all on at once; those parsed after reading
 * stopped are held here until it starts again, so the connection never has more unanswered
 * requests than the flow control allows.
 */
export class CountingReader extends StreamMessageReader {
  private readonly held: Message[] = [];
  private deliver: DataCallback = () => undefined;

  constructor(
    readable: NodeJS.ReadableStream,
    private readonly pressure: ReplyPressure,
  ) {
    super(readable);
    pressure.onResume(() => this.release());
  }

  override listen(callback: DataCallback): Disposable {
    this.deliver = (message) => {
      if (Message.isRequest(message)) this.pressure.requestRead();
      callback(message);
    };
    return super.listen((message) => {
      if (this.held.length > 0 || this.pressure.readingPaused) this.held.push(message);
      else this.deliver(message);
    });
  }

  private release(): void {
    while (this.held.length > 0 && !this.pressure.readingPaused) this.deliver(this.held.shift()!);
  }
}
