const HEADER_END = Buffer.from('\r\n\r\n');
/** Far more than the one `Content-Length` header the daemon sends; past it the stream is not ours. */
const MAX_HEADER_BYTES = 8 * 1024;

/**
 * Cuts the daemon's byte stream into JSON-RPC messages (`Content-Length` frames), for both
 * clients: DaemonClient's reader and the warm ask's own small client, which does without
 * vscode-jsonrpc's connection. A frame's bytes are joined once, when they are all in, so a large answer that
 * arrives in many reads is not copied again on each.
 */
export class FrameSplitter {
  private chunks: Buffer[] = [];
  private total = 0;
  /** Bytes the frame being read needs in all; nothing is joined before they are in. */
  private need = 0;

  /**
   * Hands on every whole message the data completes, in order. Returns an error, and keeps
   * nothing, when the stream cannot be trusted past this point (no header, a body not JSON).
   */
  push(data: Buffer, onMessage: (message: unknown) => void): Error | undefined {
    this.chunks.push(data);
    this.total += data.length;
    if (this.total < this.need) return undefined;
    for (;;) {
      // A message handler may have reset the splitter (its reader disposed).
      if (this.total === 0) return undefined;
      const buf = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks, this.total);
      this.chunks = [buf];
      const end = buf.indexOf(HEADER_END);
      if (end < 0) {
        if (buf.length <= MAX_HEADER_BYTES) return undefined;
        return this.fail('A frame from the daemon has no header end.');
      }
      const length = contentLength(buf.toString('ascii', 0, end));
      if (length === undefined) return this.fail('A frame from the daemon has no Content-Length header.');
      const start = end + HEADER_END.length;
      if (buf.length < start + length) {
        this.need = start + length;
        return undefined;
      }
      const body = buf.toString('utf8', start, start + length);
      const rest = buf.subarray(start + length);
      this.chunks = rest.length > 0 ? [rest] : [];
      this.total = rest.length;
      this.need = 0;
      let message: unknown;
      try {
        message = JSON.parse(body);
      } catch {
        return this.fail('A frame from the daemon is not JSON.');
      }
      onMessage(message);
    }
  }

  reset(): void {
    this.chunks = [];
    this.total = 0;
    this.need = 0;
  }

  private fail(message: string): Error {
    this.reset();
    return new Error(message);
  }
}

function contentLength(header: string): number | undefined {
  for (const line of header.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0 && line.slice(0, colon).trim().toLowerCase() === 'content-length') {
      const n = Number(line.slice(colon + 1).trim());
      return Number.isSafeInteger(n) && n >= 0 ? n : undefined;
    }
  }
  return undefined;
}
