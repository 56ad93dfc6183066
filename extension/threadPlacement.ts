/** Where an explanation's thread sits: its range's first and last line. */
export interface LineSpan {
  startLine: number;
  endLine: number;
}

/**
 * Whether a new explanation takes the place of an existing one in the same file: they start on
 * the same line (the same declaration, however much of it was selected) or end on the same line
 * (their threads would open at the same place, one over the other). A method inside an
 * explained class, or a few lines inside an explained function, keep their own thread. Pure.
 */
export function takesPlaceOf(fresh: LineSpan, existing: LineSpan): boolean {
  return fresh.startLine === existing.startLine || fresh.endLine === existing.endLine;
}
