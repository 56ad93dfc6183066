/**
 * Building DOM from data. Every piece of data becomes a text node (textContent); nothing here
 * parses HTML, so a `<script>` in a feature name stays text.
 */

import type { MarkupNode } from './cardsMarkup';

export type Child = Node | string | number | null | undefined | false;

export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string | undefined> = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) if (value !== undefined) node.setAttribute(name, value);
  append(node, children);
  return node;
}

export function append(parent: Node, children: Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    parent.appendChild(typeof c === 'string' || typeof c === 'number' ? document.createTextNode(String(c)) : c);
  }
}

/** A table with a caption, header cells and rows of text. */
export function table(
  caption: string,
  head: string[],
  rows: Child[][],
  attrs: Record<string, string> = {},
): HTMLTableElement {
  return el(
    'table',
    attrs,
    el('caption', {}, caption),
    el('thead', {}, el('tr', {}, ...head.map((h) => el('th', { scope: 'col' }, h)))),
    el('tbody', {}, ...rows.map((r) => el('tr', {}, ...r.map((c) => el('td', {}, c))))),
  );
}

export function byId(id: string): HTMLElement {
  const node = document.getElementById(id);
  if (!node) throw new Error(`#${id} is missing`);
  return node;
}

/** A DOM-free element tree (cardsMarkup.ts) as nodes. */
export function markupDom(node: MarkupNode): HTMLElement {
  return el(node.tag, node.attrs, ...node.children.map((c) => (typeof c === 'string' ? c : markupDom(c))));
}
