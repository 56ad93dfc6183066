import { describe, expect, it } from 'vitest';
import { jsonForScript, panelPageHtml } from '../../../extension/panelPageHtml';
import type { PanelSnapshot } from '../../../protocol/webview';
import { cardNodes, markupHtml } from '../../../webview/cardsMarkup';
import { snapshotView } from '../../../webview/viewModel';
import { HOSTILE_FEATURE, HOSTILE_MODEL, NOW, seededSnapshot } from '../../webview/seededLedger';

const parts = {
  cspSource: 'https://file+.vscode-resource.vscode-cdn.net',
  nonce: 'bm9uY2Utbm9uY2Utbm9uY2U=',
  scriptUri: 'https://file+.vscode-resource.vscode-cdn.net/ext/dist/webview.js',
  styleUri: 'https://file+.vscode-resource.vscode-cdn.net/ext/dist/webview.css',
};

function hostile(): PanelSnapshot {
  const { breakdown: _b, ...rest } = seededSnapshot(undefined, {
    range: '30d',
    model: `</script><script>alert(1)</script>${HOSTILE_MODEL}`,
    feature: `${HOSTILE_FEATURE}<!--`,
  });
  return { ...rest, recent: [], partial: true };
}

/** The scripts of a page: each opening tag and what it holds, up to the first `</script`. */
function scripts(html: string): { tag: string; body: string }[] {
  return [...html.matchAll(/<script([^>]*)>([\s\S]*?)<\/script/gi)].map((m) => ({ tag: m[1]!, body: m[2]! }));
}

describe("the usage panel's HTML", () => {
  it('without a snapshot: the busy shell and the one nonce script, under the strict CSP', () => {
    const html = panelPageHtml(parts);
    expect(html).toContain('<main id="root" aria-busy="true"></main>');
    expect(html).not.toContain('first-snapshot');
    expect(scripts(html)).toEqual([{ tag: ` nonce="${parts.nonce}" src="${parts.scriptUri}"`, body: '' }]);
    expect(html).toContain(
      `default-src &#39;none&#39;; img-src ${parts.cspSource}; font-src ${parts.cspSource}; ` +
        `style-src ${parts.cspSource}; script-src &#39;nonce-${parts.nonce}&#39;;`,
    );
    expect(html).not.toContain('unsafe-inline');
  });

  it("with the first snapshot: the cards' markup and its JSON, the root no longer busy", () => {
    const first = hostile();
    const html = panelPageHtml({ ...parts, first });
    expect(html).toContain(`<main id="root" aria-busy="false" data-generated-at="${NOW}">`);
    expect(html).toContain(
      markupHtml({
        tag: 'section',
        attrs: { id: 'cards', 'aria-label': 'Summary' },
        children: cardNodes(snapshotView(first, 'model').cards),
      }),
    );
    expect(html).toContain('<div class="label">Cost today</div>');
    // Exactly two scripts: inert JSON (never run: not JavaScript) and the bundle, both with the nonce.
    const [json, bundle, ...more] = scripts(html);
    expect(more).toEqual([]);
    expect(json!.tag).toBe(` type="application/json" id="first-snapshot" nonce="${parts.nonce}"`);
    expect(bundle!.tag).toContain(`src="${parts.scriptUri}"`);
    expect(JSON.parse(json!.body)).toEqual(first);
  });

  it('hostile strings in the snapshot cannot close the JSON script, open a comment, or become markup', () => {
    const html = panelPageHtml({ ...parts, first: hostile() });
    const body = scripts(html)[0]!.body;
    expect(body).not.toMatch(/[<>&]/);
    expect(html).not.toContain('<img');
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('<!--');
  });

  it('card text is escaped, attributes too', () => {
    const markup = markupHtml({
      tag: 'div',
      attrs: { 'aria-label': `"><img src=x onerror=alert(1)>` },
      children: ['<b>&amp;</b>'],
    });
    expect(markup).toBe(
      '<div aria-label="&#34;&#62;&#60;img src=x onerror=alert(1)&#62;">&#60;b&#62;&#38;amp;&#60;/b&#62;</div>',
    );
  });

  it('jsonForScript reads back as the same value, line separators included', () => {
    const value = { a: '</script>\u2028\u2029&<!-- -->', n: [1, null, true] };
    const text = jsonForScript(value);
    expect(text).not.toMatch(/[<>&\u2028\u2029]/);
    expect(JSON.parse(text)).toEqual(value);
  });
});
