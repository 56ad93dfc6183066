/** `conduit.ask.context`: what Ask sends with the question unless the user picks otherwise. */
export type AskContextMode = 'selection' | 'activeFile' | 'none';

export const ASK_CONTEXT_MODES: readonly AskContextMode[] = ['selection', 'activeFile', 'none'];

/** The setting's value; `selectionOrFile`, its earlier name for `activeFile`, still works. */
export function askContextMode(value: unknown): AskContextMode {
  if (value === 'selectionOrFile') return 'activeFile';
  return (ASK_CONTEXT_MODES as readonly unknown[]).includes(value) ? (value as AskContextMode) : 'selection';
}

/** The active editor as Ask sees it; plain data, so the decision below is testable without VS Code. */
export interface EditorFacts {
  fileName: string;
  lineCount: number;
  /** Lines the selection spans (0 when nothing is selected). */
  selectedLines: number;
  /**
   * The selection is one that was already used: the range an earlier Explain explained, untouched
   * since. Such a selection is left over, not chosen for this question.
   */
  selectionIsLeftOver: boolean;
}

export interface AskContextChoice {
  /** What is sent: nothing, the selection, or the whole file. */
  send: 'none' | 'selection' | 'file';
  /** What the Ask box says, e.g. "selection: 12 lines of foo.ts", "active file: foo.ts", "no code". */
  label: string;
  /** Why nothing is sent although there was something, for the box. */
  note?: string;
}

const lines = (n: number) => `${n} line${n === 1 ? '' : 's'}`;

/**
 * What goes with the question. Only the active editor counts: a selection in another editor
 * (or with no editor active, e.g. the answer panel focused) is never sent. A left-over selection
 * is not sent unless the user asks for it (`includeLeftOver`). Pure.
 */
export function chooseAskContext(
  mode: AskContextMode,
  editor: EditorFacts | undefined,
  opts: { includeLeftOver?: boolean; otherEditorSelection?: string } = {},
): AskContextChoice {
  if (!editor) {
    const note = opts.otherEditorSelection
      ? `the selection in ${opts.otherEditorSelection} is not in the active editor`
      : undefined;
    return { send: 'none', label: 'no code', ...(note ? { note } : {}) };
  }
  if (mode === 'none') return { send: 'none', label: 'no code' };
  const hasSelection = editor.selectedLines > 0;
  const usable = hasSelection && (!editor.selectionIsLeftOver || opts.includeLeftOver === true);
  if (usable) return { send: 'selection', label: `selection: ${lines(editor.selectedLines)} of ${editor.fileName}` };
  const note =
    hasSelection && editor.selectionIsLeftOver
      ? `the selection in ${editor.fileName} was already explained; it is not sent`
      : undefined;
  if (mode === 'activeFile')
    return {
      send: 'file',
      label: `active file: ${editor.fileName} (${lines(editor.lineCount)})`,
      ...(note ? { note } : {}),
    };
  return { send: 'none', label: 'no code', ...(note ? { note } : {}) };
}
