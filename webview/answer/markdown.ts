import hljs from 'highlight.js/lib/common';
import MarkdownIt from 'markdown-it';

/**
 * A model's answer as HTML that is safe to put in the page: markdown-it with raw HTML off (any
 * tag in the text is shown as text), links kept only for http(s) (everything else stays text),
 * images never loaded (they become a link to the image), and fenced code highlighted by
 * highlight.js, whose output is escaped text in class-only spans. Pure: runs in Node for tests.
 */
const md = new MarkdownIt('default', { html: false, linkify: false, typographer: false, highlight });

/** Only web links; javascript:, data:, file:, command: and relative links stay plain text. */
export function isWebLink(url: string): boolean {
  return /^https?:\/\/[^\s]/i.test(url.trim());
}
md.validateLink = isWebLink;

function highlight(code: string, lang: string): string {
  const language = lang.trim().split(/\s+/)[0]?.toLowerCase() ?? '';
  if (language && hljs.getLanguage(language)) {
    try {
      return hljs.highlight(code, { language, ignoreIllegals: true }).value;
    } catch {
      // A grammar that throws on odd input: the code is shown plain, as below.
    }
  }
  return md.utils.escapeHtml(code);
}

const esc = (s: string) => md.utils.escapeHtml(s);

/** The n-th code block (fenced or indented) of the answer, counted as the extension counts them. */
function blockIndex(tokens: { type: string }[], idx: number): number {
  let n = 0;
  for (let i = 0; i < idx; i++) if (tokens[i]!.type === 'fence' || tokens[i]!.type === 'code_block') n++;
  return n;
}

function codeBlock(index: number, language: string, highlighted: string): string {
  const lang = esc(language);
  return (
    `<div class="code-block" data-index="${index}">` +
    `<div class="code-toolbar"><span class="code-lang">${lang}</span>` +
    `<button type="button" class="code-action" data-action="copy" data-index="${index}" title="Copy" aria-label="Copy code">` +
    `<i class="codicon codicon-copy" aria-hidden="true"></i></button>` +
    `<button type="button" class="code-action" data-action="insert" data-index="${index}" title="Insert at Cursor" aria-label="Insert code at cursor">` +
    `<i class="codicon codicon-insert" aria-hidden="true"></i></button></div>` +
    `<pre><code class="hljs${lang ? ` language-${lang}` : ''}">${highlighted}</code></pre></div>\n`
  );
}

md.renderer.rules.fence = (tokens, idx) => {
  const token = tokens[idx]!;
  const language = token.info.trim().split(/\s+/)[0] ?? '';
  return codeBlock(blockIndex(tokens, idx), language, highlight(token.content, language));
};

md.renderer.rules.code_block = (tokens, idx) => codeBlock(blockIndex(tokens, idx), '', esc(tokens[idx]!.content));

// The page's CSP loads no remote images; rather than a broken image, a link the user can choose to open.
md.renderer.rules.image = (tokens, idx) => {
  const token = tokens[idx]!;
  const src = String(token.attrGet('src') ?? '');
  const alt = token.content || 'image';
  return isWebLink(src) ? `<a href="${esc(src)}" title="${esc(src)}">[image: ${esc(alt)}]</a>` : `[image: ${esc(alt)}]`;
};

// Links show where they go; the page opens none itself (it asks the extension).
md.renderer.rules.link_open = (tokens, idx, options, _env, self) => {
  const token = tokens[idx]!;
  token.attrSet('title', String(token.attrGet('href') ?? ''));
  return self.renderToken(tokens, idx, options);
};

export function renderMarkdown(text: string): string {
  return md.render(text);
}
