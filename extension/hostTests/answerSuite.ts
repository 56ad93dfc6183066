import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { AskOutcome } from '../askCommand';
import type { ExplanationInfo } from '../explanations';
import type { HostTestKit } from './chatSuite';
import type { HostTest } from './suite';

const PROVIDERS = ['anthropic', 'openai', 'gemini'];

/** Sets the fake provider's default answer for every provider the daemon may try. */
async function answerEverywhere(script: Record<string, unknown>): Promise<void> {
  for (const provider of PROVIDERS) {
    const res = await fetch(`${process.env.ANTHROPIC_BASE_URL}/__fake/default`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ provider, script }),
    });
    assert.equal(res.status, 200, await res.text());
  }
}

/** A file long enough that its last function is off screen when the editor opens at the top. */
function longFile(): string {
  const filler = Array.from({ length: 200 }, (_, i) => `const v${i} = ${i};`).join('\n');
  return `${filler}\n\nfunction far(x) {\n  return x + 1;\n}\n`;
}

const FAR_LINE = 201;

/**
 * Explain's thread (revealed, one per symbol) and what a failure looks like to the user (one
 * notification, the status bar's warning until the next success), in the real extension host.
 */
export function answerTests(kit: HostTestKit): HostTest[] {
  const threadsIn = (uri: vscode.Uri): ExplanationInfo[] =>
    kit
      .api()
      .explanations()
      .filter((e) => e.uri === uri.toString());
  return [
    {
      name: 'Explain and Explain All reveal the threads they add; explaining a symbol again replaces its thread',
      async run() {
        await answerEverywhere({ text: 'It adds one to x.' });
        const doc = await vscode.workspace.openTextDocument({ language: 'javascript', content: longFile() });
        const editor = await vscode.window.showTextDocument(doc);
        editor.revealRange(new vscode.Range(0, 0, 0, 0), vscode.TextEditorRevealType.AtTop);
        await kit.until(
          'the editor at the top',
          () => editor.visibleRanges[0]?.end.line ?? -1,
          (l) => l >= 0 && l < FAR_LINE,
        );
        const first = await vscode.commands.executeCommand<ExplanationInfo | undefined>('conduit.explainSelection', {
          uri: doc.uri,
          range: new vscode.Range(FAR_LINE, 0, FAR_LINE + 2, 1),
        });
        assert.ok(first?.done, 'no explanation');
        const shown = await kit.until(
          'the explained code on screen',
          () => vscode.window.visibleTextEditors.find((e) => e.document === doc)?.visibleRanges ?? [],
          (ranges) => ranges.some((r) => r.contains(new vscode.Position(FAR_LINE + 2, 0))),
        );
        assert.ok(shown.length > 0);

        // The same function, selected a little differently: its thread is replaced, not stacked.
        await vscode.commands.executeCommand('conduit.explainSelection', {
          uri: doc.uri,
          range: new vscode.Range(FAR_LINE, 0, FAR_LINE + 1, 10),
        });
        assert.deepEqual(
          threadsIn(doc.uri).map((t) => t.startLine),
          [FAR_LINE],
        );

        // Explain All finds `far` through the language's symbols (the built-in JavaScript support).
        await kit.until(
          'the symbols of the file',
          async () =>
            (await vscode.commands.executeCommand<vscode.DocumentSymbol[] | undefined>(
              'vscode.executeDocumentSymbolProvider',
              doc.uri,
            )) ?? [],
          (s) => s.some((x) => x.name === 'far'),
          60_000,
        );
        // Back to the top, so that Explain All has its first thread to bring into view.
        editor.revealRange(new vscode.Range(0, 0, 0, 0), vscode.TextEditorRevealType.AtTop);
        await kit.until(
          'the editor at the top again',
          () => editor.visibleRanges[0]?.end.line ?? -1,
          (l) => l >= 0 && l < FAR_LINE,
        );
        const all = await vscode.commands.executeCommand<{ count: number } | undefined>('conduit.explainAllSymbols', {
          uri: doc.uri,
          mode: 'now',
        });
        assert.ok(all && all.count > 0, 'Explain All explained nothing');
        const atFar = threadsIn(doc.uri).filter((t) => t.startLine === FAR_LINE);
        assert.equal(atFar.length, 1, `threads at far(): ${JSON.stringify(threadsIn(doc.uri))}`);
        assert.ok(
          threadsIn(doc.uri).every((t) => t.done),
          `a thread still waits: ${JSON.stringify(threadsIn(doc.uri))}`,
        );
        await kit.until(
          "Explain All's first thread on screen",
          () => vscode.window.visibleTextEditors.find((e) => e.document === doc)?.visibleRanges ?? [],
          (ranges) => ranges.some((r) => r.contains(new vscode.Position(FAR_LINE + 2, 0))),
        );
        await vscode.commands.executeCommand('conduit.dismissExplanation');
        await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
      },
    },
    {
      name: 'a rejected key gives one notification with Set API Key, and the status bar warns until the next success',
      async run() {
        const api = kit.api();
        // No fallback: the one provider's 401 is the failure the user meets.
        await kit.setAndPush('fallback.chains', { '*': [] }, vscode.ConfigurationTarget.Global);
        await answerEverywhere({
          status: 401,
          error: { type: 'authentication_error', message: 'invalid x-api-key' },
        });
        const before = api.notices().length;
        const failed = await vscode.commands.executeCommand<AskOutcome | undefined>('conduit.ask', {
          prompt: 'host test: with a rejected key',
          context: 'none',
        });
        assert.equal(failed, undefined);
        // A round trip to the daemon after the reply: any alert it sent about the 401 has arrived.
        await api.refreshStatus();
        const notices = api.notices().slice(before);
        assert.equal(notices.length, 1, JSON.stringify(notices));
        assert.equal(notices[0]!.severity, 'error');
        assert.ok(notices[0]!.actions.includes('Set API Key'), JSON.stringify(notices[0]));
        assert.doesNotMatch(notices[0]!.message, /PROVIDER|conduit key set/);
        assert.match(api.statusSummary()?.tooltip ?? '', /Last request failed/);
        assert.notEqual(api.statusSummary()?.health, 'ok');

        // The rejected key is skipped until the daemon starts again; then a success clears the warning.
        await answerEverywhere({ text: 'Hello from the fake provider.' });
        await vscode.commands.executeCommand('conduit.restartDaemon');
        const ok = await vscode.commands.executeCommand<AskOutcome | undefined>('conduit.ask', {
          prompt: 'host test: after the key is fixed',
          context: 'none',
        });
        assert.equal(ok?.text, 'Hello from the fake provider.');
        assert.doesNotMatch(api.statusSummary()?.tooltip ?? '', /Last request failed/);
        assert.equal(api.notices().length, before + 1);
        await kit.setAndPush('fallback.chains', undefined, vscode.ConfigurationTarget.Global);
      },
    },
  ];
}
