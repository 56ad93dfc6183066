import * as fs from 'node:fs';
import { parseArgs } from 'node:util';
import { conduitHome } from '../home/conduitHome';
import {
  applyOverlay,
  loadOverlay,
  priceDiff,
  readOverlay,
  writeOverlay,
  type PriceChangeLine,
} from '../router/catalogueOverlay';
import type { CatalogueModel, CatalogueProvider } from '../router/catalogueTypes';
import { findModel, isCatalogueProvider, modelsFor, pricesAt } from '../router/models';
import { catalogueFromModelsDev } from '../router/modelsDev';
import { ExitCode } from './context';

/**
 * `conduit models [--provider P] [--json]`: the price catalogue in use (the bundled snapshot, or
 * the newer one `conduit models update` stored under CONDUIT_HOME).
 * `conduit models update --from FILE|URL [--yes]`: loads a models.dev api.json, validates it,
 * prints every price it changes, and keeps it; a lowered or dropped price needs --yes.
 */
export async function modelsCommand(argv: string[]): Promise<number> {
  if (argv[0] === 'update') return update(argv.slice(1));
  const { values } = parseArgs({
    args: argv,
    options: { provider: { type: 'string' }, json: { type: 'boolean', default: false } },
  });
  const home = conduitHome();
  loadOverlay(home, (msg, f) => process.stderr.write(`conduit: ${msg}: ${String(f.err)}\n`));
  const providers = providersOf(values.provider);
  if (!providers) {
    process.stderr.write(`conduit: unknown provider "${values.provider}"; use anthropic, openai or gemini.\n`);
    return ExitCode.usage;
  }
  const models = providers.flatMap((p) => modelsFor(p));
  const stored = readOverlaySafe(home);
  if (values.json) {
    process.stdout.write(
      JSON.stringify(
        { catalogue: stored ? { from: stored.from, readAt: stored.readAt } : 'bundled', models },
        null,
        2,
      ) + '\n',
    );
    return ExitCode.ok;
  }
  process.stdout.write(
    `catalogue: ${stored ? `${stored.from}, read ${stored.readAt}, over the bundled snapshot` : 'the bundled snapshot'} (USD per million tokens)\n`,
  );
  for (const m of models) process.stdout.write(formatModel(m) + '\n');
  return ExitCode.ok;
}

function providersOf(name: string | undefined): CatalogueProvider[] | undefined {
  if (name === undefined) return ['anthropic', 'openai', 'gemini'];
  return isCatalogueProvider(name) ? [name] : undefined;
}

function readOverlaySafe(home: string): ReturnType<typeof readOverlay> {
  try {
    return readOverlay(home);
  } catch {
    return undefined;
  }
}

const usd = (n: number | null | undefined): string => (n === null || n === undefined ? '-' : `$${n}`);

function formatModel(m: CatalogueModel): string {
  const p = pricesAt(m);
  const cache = `read ${usd(p.cacheRead)}, write ${usd(p.cacheWrite)}${p.cacheWrite1h ? `, 1h write ${usd(p.cacheWrite1h)}` : ''}`;
  const long = p.longPrompt
    ? `; above ${p.longPrompt.aboveInputTokens.toLocaleString('en-US')} prompt tokens ${usd(p.longPrompt.input)} / ${usd(p.longPrompt.output)}`
    : '';
  const priced =
    p.input === null || p.output === null
      ? 'unpriced'
      : `${usd(p.input)} in / ${usd(p.output)} out; cache ${cache}${long}`;
  const window = m.contextWindow ? `${m.contextWindow.toLocaleString('en-US')} context` : 'context unknown';
  const batch = m.batchDiscount ? `; batch ${Math.round((1 - m.batchDiscount) * 100)} % of list` : '';
  const eol = m.endOfLife ? `; ends ${m.endOfLife}${m.replacement ? ` → ${m.replacement}` : ''}` : '';
  return `  ${`${m.provider}/${m.id}`.padEnd(34)} ${priced}; ${window}${batch}${eol}\n${' '.repeat(37)}source ${m.source} (read ${m.asOf})`;
}

async function update(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { from: { type: 'string' }, yes: { type: 'boolean', default: false } },
  });
  if (!values.from) {
    process.stderr.write('conduit: models update needs --from FILE or --from URL (a models.dev api.json).\n');
    return ExitCode.usage;
  }
  let text: string;
  try {
    text = await readSource(values.from);
  } catch (err) {
    process.stderr.write(
      `conduit: could not read ${values.from}: ${err instanceof Error ? err.message : String(err)}. Nothing was changed.\n`,
    );
    return ExitCode.failed;
  }
  const home = conduitHome();
  loadOverlay(home);
  const readAt = new Date().toISOString().slice(0, 10);
  let next: CatalogueModel[];
  try {
    next = catalogueFromModelsDev(JSON.parse(text), values.from, readAt, (p, id) => findModel(p, id));
  } catch (err) {
    process.stderr.write(
      `conduit: ${values.from}: ${err instanceof Error ? err.message : String(err)}. Nothing was changed.\n`,
    );
    return ExitCode.usage;
  }
  if (next.length === 0) {
    process.stderr.write(
      `conduit: ${values.from} has no priced anthropic, openai or google models. Nothing was changed.\n`,
    );
    return ExitCode.usage;
  }
  const current = (['anthropic', 'openai', 'gemini'] as const).flatMap((p) => modelsFor(p));
  const diff = priceDiff(current, next);
  for (const line of diff) process.stdout.write(formatDiff(line) + '\n');
  const lowering = diff.filter((d) => d.kind === 'lower' || d.kind === 'dropped');
  if (lowering.length > 0 && !values.yes) {
    process.stderr.write(
      `conduit: ${lowering.length} price(s) would go down or be dropped (marked above); nothing was changed. Check them against the providers' pages, then run again with --yes to accept.\n`,
    );
    return ExitCode.failed;
  }
  const merged = mergeOverlay(readOverlaySafe(home)?.models ?? [], next);
  writeOverlay(home, { from: values.from, readAt, models: merged });
  applyOverlay(merged);
  process.stdout.write(
    `${next.length} model(s) from ${values.from} kept in the catalogue (${diff.length} price change(s)). The daemon uses them from its next start (\`conduit stop\`).\n`,
  );
  return ExitCode.ok;
}

function mergeOverlay(old: readonly CatalogueModel[], next: readonly CatalogueModel[]): CatalogueModel[] {
  const byKey = new Map<string, CatalogueModel>(old.map((m) => [`${m.provider}/${m.id}`, m]));
  for (const m of next) byKey.set(`${m.provider}/${m.id}`, m);
  return [...byKey.values()];
}

function formatDiff(d: PriceChangeLine): string {
  if (d.kind === 'added') return `  + ${d.model}: new model (input ${usd(d.to)})`;
  const mark = d.kind === 'lower' || d.kind === 'dropped' ? '!' : ' ';
  return `${mark} ${d.model} ${d.field}: ${usd(d.from)} → ${usd(d.to)} (${d.kind})`;
}

async function readSource(from: string): Promise<string> {
  if (/^https?:\/\//i.test(from)) {
    const res = await fetch(from, { signal: AbortSignal.timeout(30_000) });
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    return await res.text();
  }
  return fs.readFileSync(from, 'utf8');
}
