import type { ToolCallDelta } from '../../protocol';

/**
 * Streamed tool-call pieces, numbered from 0 in the order the calls began. Adapters may number
 * pieces by the provider's content-block index (Anthropic's text block is 0, its first call 1),
 * and a client expects the calls of an answer numbered 0, 1, …
 */
export class ToolCallOrder {
  private readonly ordinals = new Map<number, number>();
  private readonly ids = new Set<string>();

  /** The call's number in this answer, and whether this piece begins it. */
  place(delta: ToolCallDelta): { ordinal: number; first: boolean } {
    const known = this.ordinals.get(delta.index);
    if (delta.id !== undefined) this.ids.add(delta.id);
    if (known !== undefined) return { ordinal: known, first: false };
    const ordinal = this.ordinals.size;
    this.ordinals.set(delta.index, ordinal);
    return { ordinal, first: true };
  }

  /** Whether a finished call (by id) was already streamed piece by piece. */
  streamed(id: string): boolean {
    return this.ids.has(id);
  }

  get count(): number {
    return this.ordinals.size;
  }
}
