import { describe, expect, it } from 'vitest';
import { PageOutbox } from '../../../extension/pageOutbox';
import type { PanelSnapshot, ToWebview } from '../../../protocol';
import { seededLive, seededSnapshot } from '../../webview/seededLedger';

function outbox(): { box: PageOutbox; sent: ToWebview[] } {
  const sent: ToWebview[] = [];
  return { box: new PageOutbox((m) => sent.push(m)), sent };
}

const whole: PanelSnapshot = seededSnapshot();
const partial: PanelSnapshot = { ...whole, recent: [], partial: true };
const error: ToWebview = { type: 'error', message: 'The usage figures could not be read: daemon gone' };

describe("the usage panel's messages to a page that may not listen yet", () => {
  it('holds a snapshot that lands before the page is ready, and posts it once at ready', () => {
    const { box, sent } = outbox();
    box.post({ type: 'snapshot', snapshot: partial });
    expect(sent).toEqual([]);
    box.ready();
    expect(sent).toEqual([{ type: 'snapshot', snapshot: partial }]);
    box.post({ type: 'snapshot', snapshot: whole });
    expect(sent).toEqual([
      { type: 'snapshot', snapshot: partial },
      { type: 'snapshot', snapshot: whole },
    ]);
  });

  it('posts straight through once the page is ready first', () => {
    const { box, sent } = outbox();
    box.ready();
    box.post({ type: 'snapshot', snapshot: partial });
    box.post({ type: 'snapshot', snapshot: whole });
    expect(sent.map((m) => m.type === 'snapshot' && m.snapshot.partial === true)).toEqual([true, false]);
  });

  it('a whole snapshot that landed first keeps its own small part ahead of it, so the page paints from the part', () => {
    const { box, sent } = outbox();
    box.post({ type: 'snapshot', snapshot: partial });
    box.post({ type: 'snapshot', snapshot: whole });
    box.ready();
    expect(sent).toEqual([
      { type: 'snapshot', snapshot: partial },
      { type: 'snapshot', snapshot: whole },
    ]);
  });

  it('keeps only the newest snapshot: an older one, whole or part, is dropped', () => {
    const { box, sent } = outbox();
    const later = { ...whole, generatedAt: whole.generatedAt + 1 };
    box.post({ type: 'snapshot', snapshot: partial });
    box.post({ type: 'snapshot', snapshot: whole });
    box.post({ type: 'snapshot', snapshot: { ...later, recent: [], partial: true } });
    box.post({ type: 'snapshot', snapshot: later });
    box.post({ type: 'snapshot', snapshot: { ...later, generatedAt: later.generatedAt + 1 } });
    box.ready();
    expect(sent).toEqual([{ type: 'snapshot', snapshot: { ...later, generatedAt: later.generatedAt + 1 } }]);
  });

  it('a failure before ready reaches the page, after the part that was read', () => {
    const { box, sent } = outbox();
    box.post({ type: 'snapshot', snapshot: partial });
    box.post(error);
    box.ready();
    expect(sent).toEqual([{ type: 'snapshot', snapshot: partial }, error]);
  });

  it('a snapshot after a failure supersedes it', () => {
    const { box, sent } = outbox();
    box.post(error);
    box.post({ type: 'snapshot', snapshot: whole });
    box.ready();
    expect(sent).toEqual([{ type: 'snapshot', snapshot: whole }]);
  });

  it('does not hold live figures (ready starts a tick); after ready everything goes straight through', () => {
    const { box, sent } = outbox();
    box.post({ type: 'live', live: seededLive() });
    box.ready();
    expect(sent).toEqual([]);
    box.post({ type: 'snapshot', snapshot: whole });
    box.post({ type: 'live', live: seededLive() });
    expect(sent.map((m) => m.type)).toEqual(['snapshot', 'live']);
  });
});

describe("the first-paint part written into the page's HTML", () => {
  it('is not posted again, held or not, while the whole and a later part are', () => {
    const { box, sent } = outbox();
    box.post({ type: 'snapshot', snapshot: partial });
    box.inPage(partial.generatedAt);
    box.post({ type: 'snapshot', snapshot: whole });
    box.ready();
    expect(sent).toEqual([{ type: 'snapshot', snapshot: whole }]);
    // A refresh's part (another generatedAt) goes through as always.
    const later = { ...partial, generatedAt: partial.generatedAt + 1 };
    box.post({ type: 'snapshot', snapshot: partial });
    box.post({ type: 'snapshot', snapshot: later });
    expect(sent).toEqual([
      { type: 'snapshot', snapshot: whole },
      { type: 'snapshot', snapshot: later },
    ]);
  });
});
