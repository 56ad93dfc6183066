import * as vscode from 'vscode';
import type { DaemonClient } from '../daemon/client/daemonClient';
// The CLI's own CSV lines, so `conduit usage export --csv` and the panel's file are the same format.
import { csvLine, ROW_CSV_HEADER, rowCsvCells } from '../daemon/usage/usageCsv';
import { UsageExportRequest, type PanelFilters } from '../protocol';
import { daemonFilters, rangeOf } from './panelData';
import { call } from './rpc';

/** The filtered ledger rows as CSV text, read page by page through `usage/export`. */
export async function usageCsv(
  client: DaemonClient,
  filters: PanelFilters,
  now = Date.now(),
): Promise<{ text: string; rows: number }> {
  const { since, until } = rangeOf(filters, now);
  const parts = [csvLine(ROW_CSV_HEADER)];
  let rows = 0;
  let after: number | undefined;
  for (;;) {
    const page = await call(client, UsageExportRequest.type, {
      since,
      until,
      filters: daemonFilters(filters),
      ...(after !== undefined ? { after } : {}),
    });
    for (const r of page.rows) parts.push(csvLine(rowCsvCells(r)));
    rows += page.rows.length;
    if (page.next === null) return { text: parts.join(''), rows };
    after = page.next;
  }
}

/**
 * "Export CSV": asks where, then writes the rows there. Returns what to tell the panel, or
 * undefined when the user cancelled the dialog.
 */
export async function exportCsv(
  client: DaemonClient,
  filters: PanelFilters,
): Promise<{ ok: boolean; message: string } | undefined> {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  const name = `conduit-usage-${new Date().toISOString().slice(0, 10)}.csv`;
  const target = await vscode.window.showSaveDialog({
    title: 'Export Conduit usage as CSV',
    saveLabel: 'Export',
    filters: { CSV: ['csv'] },
    ...(folder ? { defaultUri: vscode.Uri.joinPath(folder, name) } : {}),
  });
  if (!target) return undefined;
  const { text, rows } = await usageCsv(client, filters);
  await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(text));
  return { ok: true, message: `Exported ${rows} row(s) to ${target.fsPath || target.toString()}.` };
}
