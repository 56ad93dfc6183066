import * as path from 'node:path';
import * as vscode from 'vscode';
import { BatchSubmitRequest } from '../protocol';
import type { DaemonConnection } from './daemonConnection';
import { explainBatchLines, inParallel, type SymbolTarget } from './explainBatch';
import { explainRequest } from './explainPrompt';
import { providerOfWindow } from './settingsSync';
import { explainableSymbols } from './explainProviders';
import type { Explanations } from './explanations';
import type { PendingExplainBatches } from './pendingExplainBatches';
import { call, describeError, isCancelled } from './rpc';
import { symbolHash } from './symbolHash';

export type ExplainAllMode = 'now' | 'batch';

export interface ExplainAllArgs {
  uri?: vscode.Uri | string;
  /** Skips the quick pick (for keybindings and tests). */
  mode?: ExplainAllMode;
}

/** How many explanations "Now" keeps in flight; the daemon's rate limiter paces them further. */
const PARALLEL = 4;

/**
 * "Explain All Symbols in File": every function, method, class and interface, either now (in
 * parallel, with progress) or as one provider batch (about half the price, within hours; the
 * window is told when it is ready). Either way they appear inline like single explanations.
 */
export async function explainAllSymbols(
  daemon: DaemonConnection,
  explanations: Explanations,
  batches: PendingExplainBatches,
  args: ExplainAllArgs = {},
): Promise<{ mode: ExplainAllMode; count: number; jobId?: string } | undefined> {
  const doc = args.uri
    ? await vscode.workspace.openTextDocument(typeof args.uri === 'string' ? vscode.Uri.parse(args.uri) : args.uri)
    : vscode.window.activeTextEditor?.document;
  if (!doc) {
    void vscode.window.showInformationMessage('Conduit: open a file to explain its symbols.');
    return undefined;
  }
  const targets: SymbolTarget[] = (await explainableSymbols(doc))
    .map(({ name, range }) => ({ name, range, code: doc.getText(range) }))
    .filter((s) => s.code.trim() !== '')
    .map(({ name, range, code }) => ({
      name,
      code,
      hash: symbolHash(code, doc.languageId),
      startLine: range.start.line,
      startCharacter: range.start.character,
      endLine: range.end.line,
      endCharacter: range.end.character,
    }));
  if (targets.length === 0) {
    void vscode.window.showInformationMessage(
      'Conduit: no functions or classes found in this file (is its language extension installed?).',
    );
    return undefined;
  }
  const mode = args.mode ?? (await pickMode(targets.length));
  if (!mode) return undefined;
  return mode === 'now'
    ? explainNow(daemon, explanations, doc, targets)
    : explainInBatch(daemon, batches, doc, targets);
}

async function pickMode(count: number): Promise<ExplainAllMode | undefined> {
  const picked = await vscode.window.showQuickPick(
    [
      {
        label: 'Now',
        description: `${count} explanations in parallel`,
        detail: 'Results in a minute or so, at the usual price.',
        mode: 'now' as const,
      },
      {
        label: 'Batch',
        description: 'about half the price',
        detail: "Through the provider's Batch API: results within hours; you are notified when they are ready.",
        mode: 'batch' as const,
      },
    ],
    { title: `Explain ${count} symbol${count === 1 ? '' : 's'} in this file`, placeHolder: 'Now or as a batch?' },
  );
  return picked?.mode;
}

function rangeOf(t: SymbolTarget): vscode.Range {
  return new vscode.Range(t.startLine, t.startCharacter, t.endLine, t.endCharacter);
}

async function explainNow(
  daemon: DaemonConnection,
  explanations: Explanations,
  doc: vscode.TextDocument,
  targets: SymbolTarget[],
): Promise<{ mode: 'now'; count: number }> {
  let done = 0;
  await vscode.window.withProgress(
    {
      location: vscode.ProgressLocation.Notification,
      title: `Conduit is explaining ${targets.length} symbols`,
      cancellable: true,
    },
    async (progress, token) => {
      const cancel = new AbortController();
      const sub = token.onCancellationRequested(() => cancel.abort());
      const waiting = await explanations.placeholders(
        doc,
        targets.map((t) => ({ range: rangeOf(t), hash: t.hash })),
      );
      try {
        const client = await daemon.get();
        await inParallel(targets, PARALLEL, async (t) => {
          if (cancel.signal.aborted) return;
          try {
            const result = await client.chat(
              { ...explainRequest(t.code, doc.languageId), ...providerOfWindow() },
              { signal: cancel.signal },
            );
            const model = `${result.provider}/${result.model}`;
            explanations.present(
              doc,
              rangeOf(t),
              t.hash,
              result.text,
              `${model}${result.cache !== 'none' ? ` · cached (${result.cache})` : ''}`,
              { model, requestId: result.requestId },
            );
          } catch (err) {
            if (!isCancelled(err))
              explanations.present(
                doc,
                rangeOf(t),
                t.hash,
                `**Could not explain ${t.name}:** ${describeError(err)}`,
                'failed',
                { failed: true },
              );
          }
          done++;
          progress.report({ increment: 100 / targets.length, message: `${done} of ${targets.length}` });
        });
      } finally {
        sub.dispose();
        // Cancelled (or the daemon never came): no "explaining…" thread is left behind.
        for (const w of waiting) explanations.dismissIfWaiting(w.thread);
      }
    },
  );
  return { mode: 'now', count: done };
}

async function explainInBatch(
  daemon: DaemonConnection,
  batches: PendingExplainBatches,
  doc: vscode.TextDocument,
  targets: SymbolTarget[],
): Promise<{ mode: 'batch'; count: number; jobId?: string } | undefined> {
  const { lines, byId } = explainBatchLines(targets, doc.languageId);
  try {
    const job = await call(await daemon.get(), BatchSubmitRequest.type, {
      lines,
      feature: 'explain',
      source: path.basename(doc.uri.fsPath || doc.uri.path),
    });
    await batches.add({
      jobId: job.id,
      uri: doc.uri.toString(),
      languageId: doc.languageId,
      submittedAt: Date.now(),
      targets: byId,
    });
    void vscode.window.showInformationMessage(
      `Conduit: ${targets.length} explanations sent as a ${job.provider} batch (about half the price). You will be notified when they are ready, usually within hours.`,
    );
    return { mode: 'batch', count: targets.length, jobId: job.id };
  } catch (err) {
    void vscode.window.showErrorMessage(`Conduit: the batch was not submitted: ${describeError(err)}`);
    return undefined;
  }
}
