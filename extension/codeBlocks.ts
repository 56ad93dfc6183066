import MarkdownIt from 'markdown-it';

/** Parsed as the answer page parses it (webview/answer/markdown.ts: the same preset, raw HTML off). */
const md = new MarkdownIt('default', { html: false });

/**
 * The code blocks (fenced or indented) of an answer, in document order. Copy and Insert at Cursor
 * name a block by its index, and the extension takes the code from its own copy of the answer,
 * not from the page.
 */
export function codeBlocks(markdown: string): string[] {
  return md
    .parse(markdown, {})
    .filter((t) => t.type === 'fence' || t.type === 'code_block')
    .map((t) => t.content);
}
