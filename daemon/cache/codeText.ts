/**
 * The code inside a prompt, apart from its prose. Prose is compared word by word; code is
 * compared by a fingerprint that keeps what changes its meaning: the tokens, the text inside
 * string literals, and, where indentation is syntax (Python, YAML, Makefiles, indented blocks
 * without a language), the nesting of every line. Reformatting brace code leaves the fingerprint
 * alone; moving a Python statement out of its loop does not.
 */

export interface CodeBlock {
  lang: string;
  text: string;
}

export interface PromptParts {
  prose: string;
  code: CodeBlock[];
}

const FENCE = /(^|\n)[ \t]*(```|~~~)[ \t]*([\w+#.-]*)[^\n]*\n([\s\S]*?)(?:\n[ \t]*\2[ \t]*(?=\n|$)|$)/g;
/** Indentation is syntax in these; everything else is assumed to use braces, keywords or tags. */
const INDENT_LANGS = new Set([
  'python',
  'py',
  'python3',
  'yaml',
  'yml',
  'haskell',
  'hs',
  'coffee',
  'coffeescript',
  'nim',
  'sass',
  'pug',
  'fsharp',
  'f#',
  'elm',
  'gdscript',
  'toml',
]);
const EXACT_LANGS = new Set(['make', 'makefile', 'mk', 'diff', 'patch', 'text', 'txt']);

/** Fenced blocks, then runs of lines indented by a tab or four spaces (Markdown's indented code). */
export function splitPrompt(text: string): PromptParts {
  const code: CodeBlock[] = [];
  const withoutFences = text.replace(FENCE, (_m, lead: string, _f: string, lang: string, body: string) => {
    code.push({ lang: lang.toLowerCase(), text: body });
    return `${lead}\n`;
  });
  const prose: string[] = [];
  let run: string[] = [];
  const flush = () => {
    if (run.length) code.push({ lang: '', text: run.join('\n') });
    run = [];
  };
  for (const line of withoutFences.split('\n')) {
    if (/^(?: {4}|\t)\s*\S/.test(line)) {
      run.push(line);
    } else {
      flush();
      prose.push(line);
    }
  }
  flush();
  return { prose: prose.join('\n'), code };
}

const STRING_LITERAL = /"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|`[^`]*`/g;

/** A line's tokens with the whitespace between them dropped; string literals kept as written. */
function squeeze(line: string, dropSemicolons = false): string {
  const outside = (s: string) => (dropSemicolons ? s.replace(/[\s;]+/g, '') : s.replace(/\s+/g, ''));
  let out = '';
  let last = 0;
  for (const m of line.matchAll(STRING_LITERAL)) {
    out += outside(line.slice(last, m.index));
    out += m[0];
    last = m.index + m[0].length;
  }
  return out + outside(line.slice(last));
}

function indentIsSyntax(block: CodeBlock): boolean {
  if (INDENT_LANGS.has(block.lang)) return true;
  if (block.lang !== '') return false;
  const lines = block.text.split('\n').filter((l) => l.trim());
  // No language given: Python-like (a line ends with a colon) or YAML-like (key: value, - item) and no braces.
  if (/[{};]\s*$/m.test(block.text)) return false;
  return lines.some((l) => /:\s*(?:#.*)?$/.test(l) || /^\s*(?:[\w.-]+:\s|- )/.test(l));
}

/** The nesting depth of each non-blank line, from its indentation relative to the lines around it. */
function depths(lines: readonly string[]): number[] {
  const widths: number[] = [];
  const out: number[] = [];
  for (const line of lines) {
    const indent = /^[ \t]*/.exec(line)![0];
    const width = [...indent].reduce((w, c) => w + (c === '\t' ? 8 : 1), 0);
    while (widths.length && widths[widths.length - 1]! > width) widths.pop();
    if (!widths.length || widths[widths.length - 1]! < width) widths.push(width);
    out.push(widths.length - 1);
  }
  return out;
}

/** What must be equal for two pieces of code to be the same code. */
export function codeFingerprint(block: CodeBlock): string {
  const lines = block.text
    .split('\n')
    .map((l) => l.replace(/\s+$/, ''))
    .filter((l) => l.length > 0);
  // A tab against spaces is another Makefile; a diff's columns are its content.
  if (EXACT_LANGS.has(block.lang)) return `x:${lines.join('\n')}`;
  if (indentIsSyntax(block)) {
    const d = depths(lines);
    return `i:${lines.map((l, i) => `${d[i]}|${squeeze(l)}`).join('\n')}`;
  }
  // Line breaks, semicolons (mostly optional, or where a line break would do) and the parentheses
  // around a lone arrow-function parameter do not change brace code.
  const joined = lines.map((l) => squeeze(l, true)).join('');
  return `b:${joined.replace(/\((\w+)\)=>/g, '$1=>')}`;
}
