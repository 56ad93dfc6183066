// The bare specifier, not 'vscode-jsonrpc/node': the CLI's bundle maps it to the library's message
// types alone (esbuild.mjs), so `conduit ask` does not evaluate the connection machinery.
import { ResponseError } from 'vscode-jsonrpc';
import { ConduitError, isConduitErrorData } from '../../protocol';

/** vscode-jsonrpc's own codes for a connection that broke: the daemon went away, not a bug of ours. */
const CONNECTION_LOST_CODES = new Set([
  -32099, // MessageWriteError
  -32098, // MessageReadError
  -32097, // PendingResponseRejected: "connection got disposed"
  -32096, // ConnectionInactive
]);

export function unavailable(message: string): ConduitError {
  return new ConduitError({ code: 'daemon_unavailable', message });
}

function lost(reason: string): ConduitError {
  return unavailable(
    `Lost the connection to the Conduit daemon (${reason}). Run the command again; the daemon restarts on demand.`,
  );
}

/** A request larger than the daemon accepts: say so, with the limit and what to do. */
export function tooLarge(bytes: number, maxBytes: number): ConduitError {
  const mb = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MB`;
  return new ConduitError({
    code: 'too_large',
    message: `The request is ${mb(bytes)}; the daemon accepts messages up to ${mb(maxBytes)} (maxMessageBytes in config.json). Shorten the prompt or attachments, or raise maxMessageBytes and restart the daemon.`,
  });
}

/** Turns whatever vscode-jsonrpc threw into a ConduitError with a stable code. */
export function toConduitError(err: unknown): ConduitError {
  if (err instanceof ConduitError) return err;
  if (err instanceof ResponseError) {
    if (isConduitErrorData(err.data)) return new ConduitError(err.data);
    if (err.code === -32800) return new ConduitError({ code: 'cancelled', message: 'The request was cancelled.' });
    if (CONNECTION_LOST_CODES.has(err.code)) return lost(err.message);
    return new ConduitError({ code: 'internal', message: err.message });
  }
  const message = err instanceof Error ? err.message : String(err);
  if (/connection (got disposed|is closed|is disposed)|socket|EPIPE|ECONNRESET/i.test(message)) return lost(message);
  return new ConduitError({ code: 'internal', message });
}
