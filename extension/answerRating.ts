import * as vscode from 'vscode';
import { FeedbackRateRequest } from '../protocol';
import type { DaemonConnection } from './daemonConnection';
import { call, describeError } from './rpc';

/**
 * `feedback/rate` for an Ask answer: a thumbs up or down, or a retry (reason "retry", always -1).
 * A rating that cannot be recorded is logged, never shown: it must not get in the user's way.
 */
export async function rateAnswer(
  daemon: DaemonConnection,
  log: vscode.LogOutputChannel,
  requestId: string,
  rating: 1 | -1,
  reason: 'user' | 'retry' = 'user',
): Promise<void> {
  try {
    await call(await daemon.get(), FeedbackRateRequest.type, { requestId, rating, feature: 'ask', reason });
    if (reason === 'user') void vscode.window.setStatusBarMessage('Conduit: thanks for the rating', 2000);
  } catch (err) {
    log.warn(`the rating was not recorded: ${describeError(err)}`);
  }
}
