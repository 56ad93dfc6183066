import { describe, expect, it } from 'vitest';
import { codeBlocks } from '../../../../extension/codeBlocks';
import { panelCsp } from '../../../../extension/panelCsp';
import { renderMarkdown } from '../../../../webview/answer/markdown';

/** Every tag the rendered HTML opens, by name. */
const tags = (html: string) => [...html.matchAll(/<([a-z][a-z0-9]*)\b/gi)].map((m) => m[1]!.toLowerCase());
const ALLOWED = new Set(
  'p h1 h2 h3 h4 h5 h6 ul ol li strong em code pre a div span button i blockquote hr br table thead tbody tr th td s'.split(
    ' ',
  ),
);

describe('renderMarkdown: an answer as safe HTML', () => {
  it('renders headings, lists, emphasis and inline code as markup', () => {
    const html = renderMarkdown('# Title\n\nSome **bold** and `code`.\n\n- one\n- two\n\n1. first\n');
    expect(html).toContain('<h1>Title</h1>');
    expect(html).toContain('<strong>bold</strong>');
    expect(html).toContain('<code>code</code>');
    expect(html).toMatch(/<ul>\s*<li>one<\/li>\s*<li>two<\/li>\s*<\/ul>/);
    expect(html).toContain('<ol>');
  });

  it('shows a script tag as text, never as a tag', () => {
    const html = renderMarkdown('Hello <script>alert(1)</script> there');
    expect(tags(html)).not.toContain('script');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  });

  it('shows raw HTML blocks and inline tags with event handlers as text', () => {
    const html = renderMarkdown(
      '<div onclick="x()">block</div>\n\ninline <img src=x onerror="alert(1)"> and <iframe src="https://evil.example"></iframe>\n\n<style>body{display:none}</style>',
    );
    for (const t of tags(html)) expect(ALLOWED, t).toContain(t);
    expect(tags(html)).not.toContain('img');
    expect(tags(html)).not.toContain('iframe');
    expect(tags(html)).not.toContain('style');
    expect(html).not.toMatch(/<[^>]+\son[a-z]+=/i);
  });

  it('keeps http(s) links, and leaves javascript:, data:, file:, command: and relative links as text', () => {
    const html = renderMarkdown(
      '[ok](https://example.com/a?b=1) [js](javascript:alert(1)) [js2](JaVaScRiPt:alert(1)) [data](data:text/html;base64,PHNjcmlwdD4=) [file](file:///etc/passwd) [cmd](command:workbench.action.terminal.new) [rel](./foo.ts) <javascript:alert(1)>',
    );
    const hrefs = [...html.matchAll(/href="([^"]*)"/g)].map((m) => m[1]);
    expect(hrefs).toEqual(['https://example.com/a?b=1']);
    expect(html).toContain('[js](javascript:alert(1))');
    expect(html).not.toMatch(/href="(javascript|data|file|command):/i);
  });

  it('never loads an image: a remote one becomes a link to it, any other one stays text', () => {
    const html = renderMarkdown(
      '![chart](https://tracker.example/pixel.png) ![local](./x.png) ![js](javascript:alert(1))',
    );
    expect(tags(html)).not.toContain('img');
    expect(html).toContain(
      '<a href="https://tracker.example/pixel.png" title="https://tracker.example/pixel.png">[image: chart]</a>',
    );
    expect(html).toContain('![local](./x.png)');
    expect(html).not.toMatch(/(href|src)="javascript:/);
  });

  it('the page CSP it runs under allows no remote images, no inline code and no eval', () => {
    const csp = panelCsp('https://file+.vscode-resource.vscode-cdn.net', 'NONCE');
    expect(csp).toMatch(/default-src 'none'/);
    expect(csp).toMatch(/img-src https:\/\/file\+\.vscode-resource\.vscode-cdn\.net;/);
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|img-src[^;]*(https:|\*)\s*;/);
  });

  it('highlights fenced code with class-only spans, with Copy and Insert at Cursor per block', () => {
    const html = renderMarkdown('```ts\nconst x: number = 1; // one\n```\n\n```\nplain <b>\n```\n');
    expect(html).toContain('<code class="hljs language-ts">');
    expect(html).toContain('<span class="hljs-keyword">const</span>');
    expect(html).not.toMatch(/style=/);
    expect(html).toContain('plain &lt;b&gt;');
    expect([...html.matchAll(/data-action="copy" data-index="(\d+)"/g)].map((m) => m[1])).toEqual(['0', '1']);
    expect([...html.matchAll(/data-action="insert" data-index="(\d+)"/g)].map((m) => m[1])).toEqual(['0', '1']);
  });

  it('escapes a hostile language name and code inside a fence', () => {
    const html = renderMarkdown('```"><script>x</script>\n</code><script>alert(1)</script>\n```\n');
    expect(tags(html)).not.toContain('script');
  });

  it('numbers code blocks as the extension finds them (fenced, indented, nested in lists)', () => {
    const text =
      'intro\n\n```js\na()\n```\n\n- item\n\n  ```py\n  b()\n  ```\n\nthen\n\n    indented()\n\n~~~\nc\n~~~\n';
    const blocks = codeBlocks(text);
    expect(blocks).toEqual(['a()\n', 'b()\n', 'indented()\n', 'c\n']);
    const indices = [...renderMarkdown(text).matchAll(/class="code-block" data-index="(\d+)"/g)].map((m) =>
      Number(m[1]),
    );
    expect(indices).toEqual([0, 1, 2, 3]);
  });
});
