import type { CardView } from './viewModel';

/**
 * The summary cards as one element tree, with no DOM: the page builds it into nodes (sections.ts)
 * and the extension writes it into the panel's first HTML (panelPageHtml.ts), so both show the
 * same cards from the same snapshot and cannot drift apart.
 */
export interface MarkupNode {
  tag: 'div' | 'section';
  attrs: Record<string, string>;
  children: (MarkupNode | string)[];
}

export function cardNodes(cards: readonly CardView[]): MarkupNode[] {
  return cards.map((c): MarkupNode => ({
    tag: 'div',
    attrs: { class: 'card', 'data-card': c.id, role: 'group', 'aria-label': c.label },
    children: [
      { tag: 'div', attrs: { class: 'label' }, children: [c.label] } satisfies MarkupNode,
      { tag: 'div', attrs: { class: 'value', 'data-value': '' }, children: [c.value] },
      { tag: 'div', attrs: { class: 'detail' }, children: [c.detail] },
    ],
  }));
}

/** The `#cards` section as the page's skeleton has it, filled. */
export function cardsSectionNode(cards: readonly CardView[]): MarkupNode {
  return { tag: 'section', attrs: { id: 'cards', 'aria-label': 'Summary' }, children: cardNodes(cards) };
}

/** Text and attribute values escaped for HTML: data never becomes markup. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export function markupHtml(node: MarkupNode | string): string {
  if (typeof node === 'string') return escapeHtml(node);
  const attrs = Object.entries(node.attrs)
    .map(([name, value]) => ` ${name}="${escapeHtml(value)}"`)
    .join('');
  return `<${node.tag}${attrs}>${node.children.map(markupHtml).join('')}</${node.tag}>`;
}
