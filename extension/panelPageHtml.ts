import type { PanelSnapshot } from '../protocol/webview';
import { cardsSectionNode, escapeHtml, markupHtml } from '../webview/cardsMarkup';
import { FIRST_SNAPSHOT_ID } from '../webview/firstSnapshot';
import { snapshotView } from '../webview/viewModel';
import { panelCsp } from './panelCsp';

export interface PanelPageParts {
  cspSource: string;
  nonce: string;
  scriptUri: string;
  styleUri: string;
  /** The first-paint snapshot, when it was read in time: its cards are in the HTML itself. */
  first?: PanelSnapshot;
  /** VS Code sets the theme's class itself; the browser tests stand in for it. */
  bodyClass?: string;
}

/**
 * JSON that cannot end its <script> element or open a comment: `<`, `>` and `&` as \u escapes
 * (JSON.parse reads them back as the same characters), and the two line separators some parsers
 * took as line ends.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(
    /[<>&\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/**
 * The usage panel's page, without 'vscode' (the browser tests and the bench serve the same HTML).
 * With a first snapshot, the first frame the page paints already shows its figures: the cards are
 * markup (cardsMarkup.ts, the page's own renderer, escaped) and `#root` is no longer busy; the
 * snapshot travels beside them as inert JSON (`type="application/json"`, parsed by the script,
 * never run) for the script to take over from. Without one, the page is the empty shell that the
 * script fills when the snapshot message comes.
 */
export function panelPageHtml(p: PanelPageParts): string {
  const csp = escapeHtml(panelCsp(p.cspSource, p.nonce));
  const nonce = escapeHtml(p.nonce);
  const body = p.bodyClass ? ` class="${escapeHtml(p.bodyClass)}"` : '';
  const first = p.first;
  const root = first
    ? `<main id="root" aria-busy="false" data-generated-at="${escapeHtml(String(first.generatedAt))}">` +
      `<header><h1>Usage &amp; cost</h1></header>` +
      markupHtml(cardsSectionNode(snapshotView(first, 'model').cards)) +
      `</main><script type="application/json" id="${FIRST_SNAPSHOT_ID}" nonce="${nonce}">${jsonForScript(first)}</script>`
    : `<main id="root" aria-busy="true"></main>`;
  return `<!DOCTYPE html><html lang="en"><head><meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${escapeHtml(p.styleUri)}">
<title>Conduit: Usage &amp; Cost</title>
</head><body${body}>${root}<script nonce="${nonce}" src="${escapeHtml(p.scriptUri)}"></script></body></html>`;
}
