import { describe, expect, it } from 'vitest';
import { askContextMode, chooseAskContext, type EditorFacts } from '../../../extension/askContext';

const editor = (over: Partial<EditorFacts> = {}): EditorFacts => ({
  fileName: 'foo.ts',
  lineCount: 40,
  selectedLines: 12,
  selectionIsLeftOver: false,
  ...over,
});

describe('what Ask sends, and how the box says it', () => {
  it('the selection, by its size and file', () => {
    expect(chooseAskContext('selection', editor())).toEqual({
      send: 'selection',
      label: 'selection: 12 lines of foo.ts',
    });
    expect(chooseAskContext('selection', editor({ selectedLines: 1 })).label).toBe('selection: 1 line of foo.ts');
  });

  it('no selection: no code, or the active file when that is the default', () => {
    expect(chooseAskContext('selection', editor({ selectedLines: 0 }))).toEqual({ send: 'none', label: 'no code' });
    expect(chooseAskContext('activeFile', editor({ selectedLines: 0 }))).toEqual({
      send: 'file',
      label: 'active file: foo.ts (40 lines)',
    });
  });

  it('"none" sends no code even with a selection', () => {
    expect(chooseAskContext('none', editor())).toEqual({ send: 'none', label: 'no code' });
  });

  it('a selection left from Explain is not sent silently: the box says why, and it goes only when chosen', () => {
    const left = editor({ selectionIsLeftOver: true });
    expect(chooseAskContext('selection', left)).toEqual({
      send: 'none',
      label: 'no code',
      note: 'the selection in foo.ts was already explained; it is not sent',
    });
    expect(chooseAskContext('activeFile', left).send).toBe('file');
    expect(chooseAskContext('selection', left, { includeLeftOver: true }).send).toBe('selection');
  });

  it('no active editor (the answer panel has focus): a selection elsewhere is never sent, and the box says so', () => {
    expect(chooseAskContext('selection', undefined, { otherEditorSelection: 'bar.ts' })).toEqual({
      send: 'none',
      label: 'no code',
      note: 'the selection in bar.ts is not in the active editor',
    });
    expect(chooseAskContext('activeFile', undefined)).toEqual({ send: 'none', label: 'no code' });
  });

  it('reads the setting, with the earlier value selectionOrFile as activeFile', () => {
    expect(askContextMode('activeFile')).toBe('activeFile');
    expect(askContextMode('selectionOrFile')).toBe('activeFile');
    expect(askContextMode('none')).toBe('none');
    expect(askContextMode(undefined)).toBe('selection');
    expect(askContextMode('bogus')).toBe('selection');
  });
});
