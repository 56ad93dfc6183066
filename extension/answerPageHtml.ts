import { panelCsp } from './panelCsp';

/**
 * The answer panel's page shell: the usage panel's strict CSP, one style sheet (with the codicon
 * font), one script. Free of 'vscode' so the browser tests load the page as the panel does.
 */
export function answerPageHtml(p: { cspSource: string; nonce: string; scriptUri: string; styleUri: string }): string {
  return `<!DOCTYPE html><html lang="en"><head><meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${panelCsp(p.cspSource, p.nonce)}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${p.styleUri}">
<title>Conduit Answer</title>
</head><body>
<div id="question"></div><div id="context"></div>
<div id="failure" role="alert" hidden></div>
<div id="answer" aria-live="polite"></div>
<div id="footer"></div>
<div id="rate" hidden>
<button type="button" id="up" title="Good answer" aria-label="Good answer"><i class="codicon codicon-thumbsup" aria-hidden="true"></i></button>
<button type="button" id="down" title="Bad answer" aria-label="Bad answer"><i class="codicon codicon-thumbsdown" aria-hidden="true"></i></button>
</div>
<button type="button" id="retry" title="Ask the same question again" hidden><i class="codicon codicon-refresh" aria-hidden="true"></i> Retry</button>
<script nonce="${p.nonce}" src="${p.scriptUri}"></script></body></html>`;
}
