import type { AlertEvent } from '../protocol/usage';
import {
  DEFAULT_PANEL_FILTERS,
  PanelRanges,
  type PanelFilters,
  type PanelLive,
  type PanelSnapshot,
  type PanelWebviewState,
  type ToWebview,
} from '../protocol/webview';
import { chartFigure, drawChart, resizeCharts } from './charts';
import { byId, el } from './dom';
import { alertsList, cardsSection, experimentsTables, healthTable, limitsTable, recentTable } from './sections';
import { teamSection } from './teamSection';
import { experiments, snapshotView, type FilterOptions, type SnapshotView } from './viewModel';
import type { VsCodeApi } from './vscodeApi';

const RANGE_LABELS: Record<(typeof PanelRanges)[number], string> = {
  today: 'Today, by the hour',
  '24h': 'Last 24 hours, by the hour',
  '7d': 'Last 7 days',
  '30d': 'Last 30 days',
  '90d': 'Last 90 days',
};

/**
 * The page: a fixed skeleton built once (so focus stays put), whose sections are refilled
 * synchronously when a message arrives, and whose state is saved for the next time it loads.
 */
export class PanelApp {
  private state: PanelWebviewState;
  private view: SnapshotView | undefined;
  private optionsKey = '';
  /** Bumped by each render of the charts: a newer one abandons the older one's remaining charts. */
  private chartsRound = 0;
  private readonly pushed = new Map<string, AlertEvent>();
  /** Snapshot messages seen: a whole one put off to the next frame is dropped if another came meanwhile. */
  private snapshotsIn = 0;
  /** A first-paint part's generatedAt, from its render until its frame is painted. */
  private unpainted: number | undefined;

  constructor(
    private readonly api: VsCodeApi,
    private readonly root: HTMLElement,
    /** The snapshot whose cards the extension wrote into the page's HTML (firstSnapshot.ts). */
    private readonly embedded?: PanelSnapshot,
  ) {
    const saved = api.getState();
    this.state = {
      filters: saved?.filters ?? DEFAULT_PANEL_FILTERS,
      stackBy: saved?.stackBy ?? 'model',
      // Nothing saved: the extension fits the range to the data, and the first snapshot says which.
      ...(!saved?.filters || saved.fitRange ? { fitRange: true } : {}),
      ...(saved?.snapshot ? { snapshot: saved.snapshot } : {}),
      ...(saved?.live ? { live: saved.live } : {}),
    };
  }

  start(): void {
    // First, so the extension's answer is on its way while the page builds (it arrives as a task,
    // after this one, when the listener below is in place).
    this.api.postMessage({
      type: 'ready',
      filters: this.state.filters,
      ...(this.state.fitRange ? { fitRange: true } : {}),
    });
    this.skeleton();
    if (this.state.snapshot) this.renderSnapshot();
    // The HTML's cards, taken over in this same task, so no frame goes without them. A page that
    // reloaded (hidden, then shown) has a newer snapshot saved than the HTML it was first given.
    const first = this.embedded;
    if (first && (this.state.snapshot?.generatedAt ?? -Infinity) < first.generatedAt) this.takeSnapshot(first);
    if (this.state.live) this.renderLive();
    window.addEventListener('message', (e: MessageEvent<ToWebview>) => this.received(e.data));
    new ResizeObserver(() => resizeCharts()).observe(byId('charts'));
    // A theme change (body class) redraws the charts in the new colours.
    new MutationObserver(() => this.renderCharts()).observe(document.body, {
      attributes: true,
      attributeFilter: ['class'],
    });
  }

  private received(m: ToWebview): void {
    switch (m.type) {
      case 'snapshot': {
        const n = ++this.snapshotsIn;
        // The whole right behind its part (both held until `ready`): the part's frame is painted first.
        if (!m.snapshot.partial && this.unpainted === m.snapshot.generatedAt) {
          afterPaint(() => {
            if (n === this.snapshotsIn) this.takeSnapshot(m.snapshot);
          });
          return;
        }
        this.takeSnapshot(m.snapshot);
        return;
      }
      case 'live':
        this.state.live = m.live;
        this.renderLive();
        break;
      case 'alert':
        this.pushed.set(m.event.alert.id, m.event);
        this.renderLive();
        break;
      case 'exportResult':
      case 'error':
        this.status(m.message, m.type === 'error' || !m.ok);
        return;
    }
    this.save();
  }

  private takeSnapshot(snapshot: PanelSnapshot): void {
    const shown = this.state.snapshot;
    // A refresh of what is shown (new requests): its part updates the numbers only, and the charts
    // and tables stay as they are until the whole, rather than falling back to totals for a moment.
    const numbersOnly =
      snapshot.partial === true &&
      shown !== undefined &&
      !shown.partial &&
      JSON.stringify(shown.filters) === JSON.stringify(snapshot.filters);
    if (this.state.fitRange) this.takeRange(snapshot.filters);
    this.state.snapshot = snapshot;
    this.renderSnapshot(numbersOnly);
    if (snapshot.partial) {
      const at = snapshot.generatedAt;
      this.unpainted = at;
      afterPaint(() => {
        if (this.unpainted === at) this.unpainted = undefined;
      });
      return;
    }
    this.updated(snapshot.generatedAt);
    this.save();
  }

  /** The range the extension fitted to the data becomes the page's own choice. */
  private takeRange(fitted: PanelFilters): void {
    delete this.state.fitRange;
    if (fitted.range === this.state.filters.range) return;
    this.state.filters = { ...this.state.filters, range: fitted.range };
    (byId('f-range') as HTMLSelectElement).value = fitted.range;
  }

  /** "Updated …" once the charts of this snapshot are drawn too: the whole panel is current. */
  private updated(generatedAt: number): void {
    const charts = byId('charts');
    const say = () => this.status(`Updated ${new Date(generatedAt).toLocaleTimeString('en-GB')}`);
    if (charts.getAttribute('aria-busy') !== 'true') say();
    else charts.addEventListener('charts-drawn', say, { once: true });
  }

  private save(): void {
    this.api.setState(this.state);
  }

  private status(text: string, problem = false): void {
    const s = byId('status');
    s.textContent = text;
    s.classList.toggle('problem', problem);
  }

  private skeleton(): void {
    const select = (id: string, label: string) => {
      const s = el('select', { id, 'aria-label': label });
      s.addEventListener('change', () => this.filtersChanged());
      return el('label', { class: 'filter' }, el('span', {}, label), s);
    };
    const button = (id: string, text: string, secondary: boolean, onClick: () => void) => {
      const b = el('button', { id, type: 'button', class: secondary ? 'secondary' : undefined }, text);
      b.addEventListener('click', onClick);
      return b;
    };
    const section = (id: string, title: string, ...extra: HTMLElement[]) =>
      el(
        'section',
        { id, 'aria-labelledby': `${id}-h` },
        el('h2', { id: `${id}-h` }, title),
        ...extra,
        el('div', { class: 'body' }),
      );
    this.root.replaceChildren(
      el(
        'header',
        {},
        el('h1', {}, 'Usage & cost'),
        el(
          'div',
          { class: 'filters', role: 'group', 'aria-label': 'Filters' },
          select('f-range', 'Time range'),
          select('f-provider', 'Provider'),
          select('f-model', 'Model'),
          select('f-feature', 'Feature'),
          button('refresh', 'Refresh', true, () => this.api.postMessage({ type: 'refresh' })),
          button('export', 'Export CSV', false, () =>
            this.api.postMessage({ type: 'exportCsv', filters: this.state.filters }),
          ),
        ),
        el('p', { id: 'status', role: 'status', 'aria-live': 'polite' }, 'Loading…'),
      ),
      el('section', { id: 'cards', 'aria-label': 'Summary' }),
      el(
        'section',
        { id: 'charts-section', 'aria-labelledby': 'charts-h' },
        el('h2', { id: 'charts-h' }, 'Charts'),
        el('label', { class: 'filter' }, el('span', {}, 'Stack cost by'), this.stackSelect()),
        el('div', { id: 'charts' }),
      ),
      section('limits', 'Rate limits'),
      section('health', 'Providers and circuits'),
      section('alerts', 'Alerts'),
      section('experiments', 'Experiments'),
      section('team', 'Team'),
      section('recent', 'Recent requests'),
    );
    byId('experiments').hidden = true;
    byId('team').hidden = true;
    this.fillSelect(
      'f-range',
      PanelRanges.map((r) => [r, RANGE_LABELS[r]]),
      this.state.filters.range,
    );
    this.fillOptions({ providers: [], models: [], features: [] });
  }

  private stackSelect(): HTMLElement {
    const s = el(
      'select',
      { id: 'stack-by', 'aria-label': 'Stack cost by' },
      ...['model', 'feature'].map((v) => option(v)),
    );
    s.value = this.state.stackBy;
    s.addEventListener('change', () => {
      this.state.stackBy = s.value === 'feature' ? 'feature' : 'model';
      this.renderSnapshot();
      this.save();
    });
    return s;
  }

  private fillSelect(id: string, options: [string, string][], value: string): void {
    const s = byId(id) as HTMLSelectElement;
    s.replaceChildren(...options.map(([v, label]) => option(v, label)));
    s.value = value;
  }

  private fillOptions(options: FilterOptions): void {
    const key = JSON.stringify(options);
    if (key === this.optionsKey) return;
    this.optionsKey = key;
    const f = this.state.filters;
    const all = (values: string[], what: string): [string, string][] => [
      ['', `All ${what}`],
      ...values.map((v): [string, string] => [v, v]),
    ];
    this.fillSelect('f-provider', all(options.providers, 'providers'), f.provider ?? '');
    this.fillSelect('f-model', all(options.models, 'models'), f.model ?? '');
    this.fillSelect('f-feature', all(options.features, 'features'), f.feature ?? '');
  }

  private filtersChanged(): void {
    const value = (id: string) => (byId(id) as HTMLSelectElement).value;
    const range = PanelRanges.find((r) => r === value('f-range')) ?? this.state.filters.range;
    const filters: PanelFilters = { range };
    for (const [key, id] of [
      ['provider', 'f-provider'],
      ['model', 'f-model'],
      ['feature', 'f-feature'],
    ] as const) {
      const v = value(id);
      if (v) filters[key] = v;
    }
    if (JSON.stringify(filters) === JSON.stringify(this.state.filters)) return;
    this.state.filters = filters;
    delete this.state.fitRange;
    this.save();
    this.status('Loading…');
    this.api.postMessage({ type: 'filters', filters });
  }

  private renderSnapshot(numbersOnly = false): void {
    const s: PanelSnapshot | undefined = this.state.snapshot;
    if (!s) return;
    this.view = snapshotView(s, this.state.stackBy, this.state.live);
    // The numbers first: the cards are painted in this frame, the charts (#charts busy meanwhile)
    // and the filters' options follow one per frame after it (renderCharts).
    this.root.setAttribute('aria-busy', 'false');
    this.root.dataset.generatedAt = String(s.generatedAt);
    byId('cards').replaceChildren(...cardsSection(this.view.cards));
    if (numbersOnly) return;
    const options = this.view.options;
    if (options) afterPaint(() => this.fillOptions(options));
    this.renderCharts();
    // A first-paint snapshot has the totals only (no breakdown, rows, experiments); the rest follows in a moment.
    if (s.partial) {
      this.body('recent').replaceChildren(el('p', { class: 'empty' }, 'Loading…'));
      return;
    }
    this.body('recent').replaceChildren(recentTable(s.recent, s.utcOffsetMinutes, this.view.today));
    this.renderExperiments();
    this.renderTeam();
  }

  /** Team mode only: hidden while the daemon reports no team. */
  private renderTeam(): void {
    const parts = teamSection(this.state.snapshot?.team, this.state.live?.status?.team);
    byId('team').hidden = parts.length === 0;
    this.body('team').replaceChildren(...parts);
  }

  private renderExperiments(): void {
    const list = experiments(this.state.snapshot, this.state.live);
    byId('experiments').hidden = list.length === 0;
    this.body('experiments').replaceChildren(...experimentsTables(list));
  }

  /**
   * The charts, one per frame after the next paint, each replacing the one it follows (the old
   * charts stay until then, so a refresh does not flicker). #charts is aria-busy until the last
   * one is in; then it fires `charts-drawn`.
   */
  private renderCharts(): void {
    if (!this.view) return;
    const round = ++this.chartsRound;
    const views = this.view.charts;
    const charts = byId('charts');
    charts.setAttribute('aria-busy', 'true');
    const step = (i: number) =>
      afterPaint(() => {
        if (round !== this.chartsRound) return;
        if (i === views.length) {
          while (charts.children.length > views.length) charts.lastElementChild?.remove();
          charts.setAttribute('aria-busy', 'false');
          charts.dispatchEvent(new Event('charts-drawn'));
          return;
        }
        const figure = chartFigure(views[i]!);
        const old = charts.children[i];
        if (old) old.replaceWith(figure);
        else charts.appendChild(figure);
        drawChart(views[i]!, figure);
        step(i + 1);
      });
    step(0);
  }

  private renderLive(): void {
    const live: PanelLive | undefined = this.state.live;
    if (!live) return;
    const offset = this.state.snapshot?.utcOffsetMinutes ?? -new Date(live.at).getTimezoneOffset();
    const today = this.view?.today ?? '';
    this.body('limits').replaceChildren(limitsTable(live));
    this.body('health').replaceChildren(healthTable(live));
    const active = new Map((live.alerts?.active ?? live.status?.alerts ?? []).map((a) => [a.id, a]));
    const recent = new Map((live.alerts?.recent ?? []).map((a) => [a.id, a]));
    // Pushed events newer than the last list win: a fired alert shows before the next tick.
    for (const e of this.pushed.values()) {
      const known = active.get(e.alert.id) ?? recent.get(e.alert.id);
      if (known && known.lastSentAt > e.alert.lastSentAt) continue;
      if (e.type === 'cleared') {
        active.delete(e.alert.id);
        recent.set(e.alert.id, e.alert);
      } else {
        recent.delete(e.alert.id);
        active.set(e.alert.id, e.alert);
      }
    }
    this.body('alerts').replaceChildren(
      alertsList(
        [...active.values()],
        [...recent.values()].sort((a, b) => (b.clearedAt ?? 0) - (a.clearedAt ?? 0)),
        offset,
        today,
      ),
    );
    this.renderExperiments();
    // The error-rate card's "last 5 minutes" and a budget from the daemon come with live data.
    if (this.state.snapshot)
      byId('cards').replaceChildren(...cardsSection(snapshotView(this.state.snapshot, this.state.stackBy, live).cards));
    this.root.dataset.liveAt = String(live.at);
  }

  private body(section: string): HTMLElement {
    return byId(section).querySelector<HTMLElement>('.body') ?? byId(section);
  }
}

function option(value: string, label = value): HTMLOptionElement {
  const o = el('option', {}, label);
  o.value = value;
  return o;
}

/** Runs `fn` in a task after the next frame is painted (a requestAnimationFrame callback runs before it). */
function afterPaint(fn: () => void): void {
  requestAnimationFrame(() => setTimeout(fn, 0));
}
