import type { RequestParam, RequestType } from 'vscode-jsonrpc';
import { toConduitError, type DaemonClient } from '../daemon/client/daemonClient';
import { ConduitError, type ConduitErrorData } from '../protocol';

/** A typed request on the daemon connection, with failures as ConduitError. */
export async function call<P, R>(
  client: DaemonClient,
  type: RequestType<P, R, ConduitErrorData>,
  params: RequestParam<P>,
): Promise<R> {
  try {
    return await client.connection.sendRequest(type, params);
  } catch (err) {
    throw toConduitError(err);
  }
}

/** A message for the user: the code for ours, the text for anything else. */
export function describeError(err: unknown): string {
  if (err instanceof ConduitError) return err.message;
  return err instanceof Error ? err.message : String(err);
}

export function isCancelled(err: unknown): boolean {
  return err instanceof ConduitError && err.code === 'cancelled';
}
