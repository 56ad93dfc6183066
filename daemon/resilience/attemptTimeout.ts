import type { ProviderId } from '../../protocol';
import { isConnectTimeout } from '../providers/httpFetch';
import { UpstreamError } from '../providers/types';
import { formatDuration } from './duration';

/** Where in an attempt the time ran out. */
export type TimeoutPhase = 'connect' | 'first byte' | 'stream idle' | 'deadline';

const SETTING: Record<TimeoutPhase, string> = {
  connect: 'timeouts.connectMs',
  'first byte': 'timeouts.firstByteMs',
  'stream idle': 'timeouts.streamIdleMs',
  deadline: 'timeouts.requestMs',
};

/**
 * The abort reason of an attempt that ran out of time. The attempt's controller is aborted with
 * it, so the SDK closes the socket and the executor can tell a timeout from a cancel.
 */
export class AttemptTimeout extends Error {
  override name = 'AttemptTimeout';

  constructor(
    readonly phase: TimeoutPhase,
    readonly ms: number,
  ) {
    super(describe(phase, ms));
  }
}

function describe(phase: TimeoutPhase, ms: number): string {
  const limit = `${formatDuration(ms)}, ${SETTING[phase]}`;
  switch (phase) {
    case 'connect':
      return `Could not connect in time (connect timeout, ${limit}).`;
    case 'first byte':
      return `No answer arrived in time (first byte timeout, ${limit}).`;
    case 'stream idle':
      return `The stream went silent (stream idle timeout, ${limit}).`;
    case 'deadline':
      return `The request ran out of time (deadline, ${limit}).`;
  }
}

/** The UpstreamError an attempt that timed out ends with; its message names the phase. */
export function timeoutUpstreamError(
  provider: ProviderId,
  timeout: AttemptTimeout,
  partialText?: string,
): UpstreamError {
  return new UpstreamError({
    provider,
    kind: 'timeout',
    message: timeout.message,
    cause: timeout,
    ...(partialText ? { partialText } : {}),
  });
}

/** The phase of a timeout, when it was one of ours or undici's connect timeout. */
export function timeoutPhaseOf(err: UpstreamError): TimeoutPhase | undefined {
  if (err.kind !== 'timeout' && err.kind !== 'connection') return undefined;
  if (err.cause instanceof AttemptTimeout) return err.cause.phase;
  return isConnectTimeout(err.cause) ? 'connect' : undefined;
}
