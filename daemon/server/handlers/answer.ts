import { ResponseError } from 'vscode-jsonrpc/node';
import { ConduitError, RpcErrorCodes, type ConduitErrorData } from '../../../protocol/errors';

/**
 * Runs a handler's work after the auth check and turns any failure into a typed JSON-RPC error.
 * `toData` lets an area map its own error classes; anything else becomes `internal`.
 */
export async function answer<R>(
  requireAuth: () => void,
  work: () => Promise<R>,
  toData?: (err: unknown) => ConduitErrorData | undefined,
): Promise<R | ResponseError<ConduitErrorData>> {
  // Outside the try: an unauthenticated request must throw, so the session drops the client.
  requireAuth();
  try {
    return await work();
  } catch (err) {
    return toResponseError(err, toData);
  }
}

export function toResponseError(
  err: unknown,
  toData?: (err: unknown) => ConduitErrorData | undefined,
): ResponseError<ConduitErrorData> {
  const data: ConduitErrorData =
    err instanceof ConduitError
      ? err.data
      : (toData?.(err) ?? { code: 'internal', message: err instanceof Error ? err.message : String(err) });
  return new ResponseError(RpcErrorCodes.conduitError, data.message, data);
}
