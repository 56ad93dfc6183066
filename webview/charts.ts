import uPlot from 'uplot';
import { el, table } from './dom';
import { seriesColours } from './contrast';
import { niceTicks, tickLabels, usdColumn, msColumn } from './ticks';
import { chartValue, type ChartUnit, type ChartView } from './viewModel';

/**
 * A chart is a figure: a title, the uPlot canvas (role img with an aria-label), a legend, and the
 * same numbers as a table. The raw points also sit in `data-points` (JSON), for tests and tools.
 */

const live = new Map<string, uPlot>();

/**
 * Theme colours: VS Code's chart variables, read at draw time so a theme change redraws right,
 * each checked for contrast against the page's computed background (contrast.ts).
 */
function palette(): { series: string[]; text: string; grid: string } {
  const css = getComputedStyle(document.body);
  const v = (name: string, fallback: string) => css.getPropertyValue(name).trim() || fallback;
  const background = css.backgroundColor || v('--vscode-editor-background', '#1e1e1e');
  return {
    series: seriesColours(
      [
        v('--vscode-charts-blue', '#3794ff'),
        v('--vscode-charts-orange', '#d18616'),
        v('--vscode-charts-green', '#89d185'),
        v('--vscode-charts-purple', '#b180d7'),
        v('--vscode-charts-red', '#f14c4c'),
        v('--vscode-charts-yellow', '#cca700'),
        v('--vscode-charts-foreground', '#cccccc'),
      ],
      // Other colours of the same theme, for a chart colour the background swallows.
      [
        v('--vscode-terminal-ansiYellow', '#e5e510'),
        v('--vscode-terminal-ansiBrightYellow', '#f5f543'),
        v('--vscode-terminal-ansiMagenta', '#bc3fbc'),
        v('--vscode-terminal-ansiCyan', '#11a8cd'),
        v('--vscode-editorWarning-foreground', '#cca700'),
        v('--vscode-textLink-foreground', '#3794ff'),
        v('--vscode-foreground', '#cccccc'),
      ],
      background,
    ),
    text: v('--vscode-charts-foreground', v('--vscode-foreground', '#cccccc')),
    grid: v('--vscode-charts-lines', 'rgba(128,128,128,0.35)'),
  };
}

export function chartFigure(chart: ChartView): HTMLElement {
  const plotted = chart.series.filter((s) => !s.tableOnly);
  const colors = palette().series;
  const legend = el(
    'ul',
    { class: 'legend', 'aria-hidden': 'true' },
    ...plotted.map((s, i) => {
      const swatch = el('span', { class: 'swatch' });
      swatch.style.background = colors[i % colors.length]!;
      return el('li', {}, swatch, s.label);
    }),
  );
  const plot = el('div', {
    class: 'plot',
    role: 'img',
    'aria-label': `${chart.title}: ${chart.description}. The table below has the values.`,
  });
  // One precision per column: each series' column is formatted together.
  const columns = chart.series.map((s) => columnFormat(s.unit ?? chart.unit, s.values));
  const rows = chart.x.map((x, i) => [tableLabel(x), ...chart.series.map((s, k) => columns[k]!(s.values[i] ?? null))]);
  const figure = el(
    'figure',
    {
      class: 'chart',
      'data-chart': chart.id,
      'data-points': JSON.stringify({
        x: chart.x,
        series: chart.series.map((s) => ({ label: s.label, values: s.values })),
      }),
    },
    el('figcaption', {}, chart.title),
    chart.x.length === 0 ? el('p', { class: 'empty' }, 'Nothing to show for this range.') : plot,
    chart.x.length === 0 ? null : legend,
    el(
      'details',
      {},
      el('summary', {}, 'Show as table'),
      table(chart.title, [chart.id === 'errors' ? 'code' : 'day', ...chart.series.map((s) => s.label)], rows, {
        'data-table': chart.id,
      }),
    ),
  );
  return figure;
}

/** Draws (or redraws) a chart into its figure's plot; called once the figure is in the document. */
export function drawChart(chart: ChartView, figure: HTMLElement): void {
  live.get(chart.id)?.destroy();
  live.delete(chart.id);
  const target = figure.querySelector<HTMLElement>('.plot');
  if (!target || chart.x.length === 0) return;
  const theme = palette();
  const plotted = chart.series.filter((s) => !s.tableOnly);
  const xs = chart.x.map((_, i) => i);
  let data: (number | null)[][] = plotted.map((s) => s.values);
  let order = plotted.map((_, i) => i);
  if (chart.kind === 'stacked') {
    // Each series is drawn as the running sum; the tallest goes first so the others paint over it.
    const sums = plotted.map(() => xs.map(() => 0));
    plotted.forEach((s, k) =>
      xs.forEach((i) => {
        sums[k]![i] = (k > 0 ? sums[k - 1]![i]! : 0) + (s.values[i] ?? 0);
      }),
    );
    data = sums;
    order = order.reverse();
  }
  const bars = chart.kind !== 'lines';
  const top = Math.max(0, ...data.flat().filter((v): v is number => typeof v === 'number' && Number.isFinite(v)));
  const yTicks = niceTicks(top);
  const opts: uPlot.Options = {
    width: Math.max(280, target.clientWidth || 600),
    height: 200,
    legend: { show: false },
    cursor: { show: false },
    scales: {
      x: { time: false, range: (_u, min, max) => [min - 0.5, max + 0.5] },
      // Amounts start at zero, so bar heights compare honestly; the top is the last tick.
      y: { range: () => [0, yTicks[yTicks.length - 1]!] },
    },
    axes: [
      // Whole steps only: each tick is one day or one category.
      {
        stroke: theme.text,
        grid: { show: false },
        ticks: { stroke: theme.grid },
        incrs: [1, 2, 3, 5, 7, 10, 14, 30],
        values: (_u, splits) => splits.map((i) => shortLabel(chart.x[Math.round(i)] ?? '')),
      },
      {
        stroke: theme.text,
        grid: { stroke: theme.grid },
        ticks: { stroke: theme.grid },
        // Wide enough for the longest label, measured in the axis's own font: nothing is cut.
        size: (u, values, axisIdx, cycle) => axisWidth(u, values, axisIdx, cycle),
        splits: () => yTicks,
        values: (_u, splits) => tickLabels(chart.unit, splits),
      },
    ],
    hooks: {
      // What the value axis drew and the room its labels had (they end `gap` px before the tick
      // marks, right-aligned), so a test can measure the rendered text against the chart's box.
      draw: [
        (u) => {
          const axis = u.axes[1] as uPlot.Axis & { _values?: string[] };
          const left = u.bbox.left / (window.devicePixelRatio || 1);
          figure.dataset.yAxis = JSON.stringify({
            labels: axis._values ?? [],
            font: Array.isArray(axis.font) ? String(axis.font[0]) : '',
            room: left - (axis.ticks?.size ?? 10) - (axis.gap ?? 5),
          });
        },
      ],
    },
    series: [
      {},
      ...order.map((k) => {
        const color = theme.series[k % theme.series.length]!;
        const series: uPlot.Series = {
          label: plotted[k]!.label,
          stroke: color,
          width: bars ? 0 : 2,
          points: { show: !bars, size: 4 },
          spanGaps: false,
        };
        if (bars) {
          series.fill = color;
          series.paths = uPlot.paths.bars!({ size: [0.7, 60], align: 0 });
        }
        return series;
      }),
    ],
  };
  const plot = new uPlot(opts, [xs, ...order.map((k) => data[k]!)] as uPlot.AlignedData, target);
  live.set(chart.id, plot);
}

/**
 * The y axis's width: its tick marks, the gap, and the widest label as the canvas measures it in
 * the axis font (uPlot's own default is a fixed 50 px, which cuts "$0.0030" and "1,000 ms").
 */
function axisWidth(u: uPlot, values: string[] | null, axisIdx: number, cycle: number): number {
  const axis = u.axes[axisIdx]!;
  const current = (axis as { _size?: number })._size;
  if (cycle > 1 && current !== undefined) return current;
  const longest = (values ?? []).reduce((a, v) => (v.length > a.length ? v : a), '');
  let width = (axis.ticks?.size ?? 10) + (axis.gap ?? 5) + 4;
  if (longest !== '') {
    const font = Array.isArray(axis.font) ? String(axis.font[0]) : '12px system-ui, sans-serif';
    u.ctx.font = font;
    const widest = Math.max(...(values ?? []).map((v) => u.ctx.measureText(v).width));
    width += widest / (window.devicePixelRatio || 1);
  }
  return Math.ceil(width);
}

/** A table column's formatter: one precision for all its values. */
function columnFormat(unit: ChartUnit, values: readonly (number | null)[]): (v: number | null) => string {
  if (unit === 'usd') return usdColumn(values);
  if (unit === 'ms') return msColumn(values);
  return (v) => chartValue(unit, v);
}

/** An hour key (YYYY-MM-DDTHH) as a reader writes it; other keys as they are. */
function tableLabel(x: string): string {
  return /^\d{4}-\d{2}-\d{2}T\d{2}$/.test(x) ? `${x.slice(0, 10)} ${x.slice(11)}:00` : x;
}

/** "2026-03-14" → "03-14", "2026-03-14T15" → "15:00"; categories pass through. */
function shortLabel(x: string): string {
  if (/^\d{4}-\d{2}-\d{2}T\d{2}$/.test(x)) return `${x.slice(11)}:00`;
  return /^\d{4}-\d{2}-\d{2}$/.test(x) ? x.slice(5) : x;
}

/** Fits each chart to its own box (the grid decides how many fit a row). */
export function resizeCharts(): void {
  for (const plot of live.values()) {
    const width = plot.root.parentElement?.clientWidth;
    if (width && Math.abs(width - plot.width) > 1) plot.setSize({ width: Math.max(280, width), height: 200 });
  }
}
