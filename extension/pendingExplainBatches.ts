import * as path from 'node:path';
import * as vscode from 'vscode';
import type { DaemonClient } from '../daemon/client/daemonClient';
import { BatchFinishedNotification, BatchResultsRequest, BatchStatusRequest, type BatchJob } from '../protocol';
import type { DaemonConnection } from './daemonConnection';
import { matchExplanations, type PendingExplainBatch } from './explainBatch';
import type { Explanations } from './explanations';
import { call, describeError } from './rpc';

const STATE_KEY = 'conduit.pendingExplainBatches';

/**
 * Batches of explanations this workspace waits for. They are kept in workspace state, so a
 * reload (or a closed window) loses none: on every connection the daemon is asked about each
 * one, a cheap local lookup, and `batch/finished` announces the rest as they end.
 */
export class PendingExplainBatches {
  constructor(
    private readonly memento: vscode.Memento,
    private readonly daemon: DaemonConnection,
    private readonly explanations: Explanations,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  list(): PendingExplainBatch[] {
    return this.memento.get<PendingExplainBatch[]>(STATE_KEY, []);
  }

  async add(pending: PendingExplainBatch): Promise<void> {
    await this.memento.update(STATE_KEY, [...this.list(), pending]);
  }

  attach(client: DaemonClient): void {
    client.connection.onNotification(BatchFinishedNotification.type, (job) => void this.finished(job));
    void this.checkAll(client);
  }

  private async checkAll(client: DaemonClient): Promise<void> {
    for (const pending of this.list()) {
      try {
        const job = await call(client, BatchStatusRequest.type, { id: pending.jobId });
        if (!job) await this.forget(pending.jobId);
        else if (job.state !== 'in_progress' && job.state !== 'submitting') await this.finished(job);
      } catch (err) {
        this.log.warn(`batch ${pending.jobId}: status unavailable: ${describeError(err)}`);
      }
    }
  }

  /** Shows a finished batch's explanations inline, then says so. */
  async finished(job: BatchJob): Promise<void> {
    const pending = this.list().find((p) => p.jobId === job.id);
    if (!pending) return;
    await this.forget(job.id);
    try {
      const results = (await call(await this.daemon.get(), BatchResultsRequest.type, { id: job.id })) ?? [];
      const doc = await vscode.workspace.openTextDocument(vscode.Uri.parse(pending.uri));
      const matched = matchExplanations(pending, results);
      for (const m of matched) {
        const t = m.target;
        const range = doc.validateRange(new vscode.Range(t.startLine, t.startCharacter, t.endLine, t.endCharacter));
        if (m.ok)
          this.explanations.present(doc, range, t.hash, m.text, `${job.provider}/${m.model ?? job.model} · batch`, {
            model: `${job.provider}/${m.model ?? job.model}`,
          });
        else
          this.explanations.present(
            doc,
            range,
            t.hash,
            `**Could not explain ${t.name}:** ${m.message}`,
            'batch · failed',
            { failed: true },
          );
      }
      const ok = matched.filter((m) => m.ok).length;
      const file = path.basename(doc.uri.fsPath || doc.uri.path);
      const choice = await vscode.window.showInformationMessage(
        `Conduit: batch explanations for ${file} are ready (${ok} of ${matched.length} explained).`,
        'Show',
      );
      if (choice !== 'Show') return;
      await vscode.window.showTextDocument(doc);
      // The first explanation in the file, brought into view as Explain does.
      const first = matched
        .map((m) => m.target)
        .sort((a, b) => a.startLine - b.startLine || a.startCharacter - b.startCharacter)[0];
      if (first)
        await this.explanations.revealThread(
          doc,
          doc.validateRange(new vscode.Range(first.startLine, first.startCharacter, first.endLine, first.endCharacter)),
        );
    } catch (err) {
      void vscode.window.showErrorMessage(`Conduit: the batch explanations could not be shown: ${describeError(err)}`);
    }
  }

  private async forget(jobId: string): Promise<void> {
    await this.memento.update(
      STATE_KEY,
      this.list().filter((p) => p.jobId !== jobId),
    );
  }
}
