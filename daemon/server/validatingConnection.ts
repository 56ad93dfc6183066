import { ResponseError, type MessageConnection } from 'vscode-jsonrpc/node';
import { RpcErrorCodes, type ConduitErrorData } from '../../protocol';
import { paramsProblem } from './paramSchemas';

/**
 * The connection as the handlers see it: each request's params are checked against its method's
 * schema (paramSchemas.ts) after the auth check and before the handler runs. Handlers register
 * as usual and never see params of the wrong shape. A request waits first while `behind` hands
 * back a promise (the client has not read its earlier replies; replyPressure.ts).
 */
export function validatingConnection(
  c: MessageConnection,
  requireAuth: () => void,
  behind: () => Promise<void> | undefined = () => undefined,
): MessageConnection {
  const wrapped = Object.create(c) as MessageConnection;
  const onRequest = (type: unknown, handler: unknown): unknown => {
    const method = typeof type === 'string' ? type : (type as { method?: string } | null)?.method;
    if (typeof handler !== 'function' || method === undefined)
      return (c.onRequest as (...a: unknown[]) => unknown)(type, handler);
    const run = handler as (...args: unknown[]) => unknown;
    const checked = (args: unknown[]): unknown => {
      const problem = paramsProblem(method, args.length > 1 ? args[0] : undefined);
      if (problem !== undefined) {
        // Outside any try: an unauthenticated request must throw, so the session drops the client.
        requireAuth();
        const data: ConduitErrorData = { code: 'invalid_request', message: problem };
        return new ResponseError(RpcErrorCodes.conduitError, data.message, data);
      }
      return run(...args);
    };
    // Asked again after each wait: the replies of those woken before it may have filled the buffer again.
    const admit = (args: unknown[]): unknown => {
      const wait = behind();
      return wait ? wait.then(() => admit(args)) : checked(args);
    };
    return (c.onRequest as (...a: unknown[]) => unknown)(type, (...args: unknown[]) => admit(args));
  };
  wrapped.onRequest = onRequest as MessageConnection['onRequest'];
  return wrapped;
}
