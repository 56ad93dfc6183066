import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { ErrorCodes, ResponseError } from 'vscode-jsonrpc/node';
import { ProviderIds, type ProviderId } from '../../protocol/chat';
import { TeamUsageRequest } from '../../protocol/team';
import {
  UsageExportFileRequest,
  UsageExportRequest,
  UsageQueryRequest,
  type UsageFilters,
  type UsageGroupBy,
  type UsageQueryParams,
} from '../../protocol/usage';
import { toConduitError, type DaemonClient } from '../client/daemonClient';
import { localUtcOffsetMinutes } from '../usage/calendarKey';
import { csvLine, GROUP_CSV_HEADER, groupCsvCells, ROW_CSV_HEADER, rowCsvCells } from '../usage/usageCsv';
import { formatUsageTable } from '../usage/usageTable';
import { parseTimeSpec } from '../usage/timeSpec';
import { connect, ExitCode, UsageError } from './context';
import { formatTeamUsage } from '../usage/teamUsageTable';

/** What the command talks to; tests pass their own daemon connection and output. */
export interface UsageCommandIo {
  connect?: () => Promise<DaemonClient>;
  stdout?: NodeJS.WritableStream;
  stderr?: NodeJS.WritableStream;
  now?: () => number;
}

const GROUP_BY: readonly UsageGroupBy[] = ['day', 'month', 'feature', 'model', 'provider'];

const FILTER_OPTIONS = {
  since: { type: 'string' },
  until: { type: 'string' },
  feature: { type: 'string' },
  provider: { type: 'string' },
  model: { type: 'string' },
} as const;

/** `conduit usage [--since 7d] [--by day|month|feature|model|provider] [--json|--csv]`, and `usage export`. */
export async function usageCommand(argv: string[], io: UsageCommandIo = {}): Promise<number> {
  if (argv[0] === 'export') return usageExportCommand(argv.slice(1), io);
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      ...FILTER_OPTIONS,
      by: { type: 'string', default: 'day' },
      json: { type: 'boolean', default: false },
      csv: { type: 'boolean', default: false },
      team: { type: 'boolean', default: false },
    },
  });
  if (values.team) return teamUsage(values, io);
  if (positionals.length > 0)
    throw new UsageError(`unexpected "${positionals[0]}"; did you mean \`conduit usage export --csv FILE\`?`);
  if (values.json && values.csv) throw new UsageError('choose one of --json and --csv.');
  if (!(GROUP_BY as readonly string[]).includes(values.by))
    throw new UsageError(`--by must be one of ${GROUP_BY.join(', ')}, got "${values.by}".`);
  const now = (io.now ?? Date.now)();
  const params: UsageQueryParams = {
    ...range(values.since ?? '7d', values.until, now),
    groupBy: values.by as UsageGroupBy,
    filters: filters(values),
    utcOffsetMinutes: localUtcOffsetMinutes(now),
  };
  const out = io.stdout ?? process.stdout;
  const result = await withClient(io, (client) =>
    call(() => client.connection.sendRequest(UsageQueryRequest.type, params)),
  );
  if (values.json) out.write(JSON.stringify(result, null, 2) + '\n');
  else if (values.csv)
    out.write(csvLine(GROUP_CSV_HEADER) + result.groups.map((g) => csvLine(groupCsvCells(g))).join(''));
  else out.write(formatUsageTable(result));
  if (result.ledger.degraded) (io.stderr ?? process.stderr).write(`conduit: warning: ${result.ledger.degraded}\n`);
  return ExitCode.ok;
}

/** `conduit usage --team`: the team's totals by person and by feature, from the team's Redis. */
async function teamUsage(
  values: {
    since?: string;
    until?: string;
    json: boolean;
    csv: boolean;
    feature?: string;
    provider?: string;
    model?: string;
  },
  io: UsageCommandIo,
): Promise<number> {
  if (values.csv || values.feature !== undefined || values.provider !== undefined || values.model !== undefined) {
    throw new UsageError(
      'usage --team takes --since, --until and --json only; the team stream is totalled by person and by feature.',
    );
  }
  const now = (io.now ?? Date.now)();
  const r = range(values.since ?? '7d', values.until, now);
  const result = await withClient(io, (client) =>
    call(() => client.connection.sendRequest(TeamUsageRequest.type, { since: r.since, until: r.until ?? now + 1 })),
  );
  (io.stdout ?? process.stdout).write(values.json ? JSON.stringify(result, null, 2) + '\n' : formatTeamUsage(result));
  return ExitCode.ok;
}

/** `conduit usage export --csv FILE|--json FILE [--since …] [--samples]`: every raw row, page by page. */
async function usageExportCommand(argv: string[], io: UsageCommandIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      ...FILTER_OPTIONS,
      csv: { type: 'string' },
      json: { type: 'string' },
      samples: { type: 'boolean', default: false },
    },
  });
  if (positionals.length > 0)
    throw new UsageError(`unexpected "${positionals[0]}"; usage: conduit usage export --csv FILE`);
  const file = values.csv ?? values.json;
  if (file === undefined || (values.csv !== undefined && values.json !== undefined))
    throw new UsageError('usage export needs one of --csv FILE or --json FILE ("-" for stdout).');
  const asCsv = values.csv !== undefined;
  const now = (io.now ?? Date.now)();
  // Without --since, an export is the whole ledger.
  const base = { ...range(values.since, values.until, now), filters: filters(values), includeSamples: values.samples };
  if (asCsv && file !== '-') {
    // The daemon writes the file itself: no row crosses IPC (usageExportFile.ts).
    const written = await withClient(io, (client) => exportFile(client, { ...base, file: path.resolve(file) }));
    if (written !== undefined) {
      (io.stderr ?? process.stderr).write(`Wrote ${written} row(s) to ${file}.\n`);
      return ExitCode.ok;
    }
  }
  const sink = openSink(file, io);
  let count = 0;
  try {
    await withClient(io, async (client) => {
      await sink.write(asCsv ? csvLine(ROW_CSV_HEADER) : '[');
      const fetchPage = (after: number) =>
        call(() =>
          client.connection.sendRequest(UsageExportRequest.type, {
            ...base,
            after,
            ...(asCsv ? { format: 'csv' as const } : {}),
          }),
        );
      // CSV pages come as text the daemon built; one write per page, as each arrives: constant
      // memory. The next page is asked for before this one is written, so the daemon reads it
      // while this process writes (at most two pages in flight).
      for (let page = await fetchPage(0); ;) {
        const next = page.next === null ? null : fetchPage(page.next);
        // Awaited below; this only keeps a failure while this page is written from going unhandled.
        next?.catch(() => undefined);
        let text = page.csv ?? '';
        count += page.csvRows ?? 0;
        for (const row of page.rows) {
          text += asCsv ? csvLine(rowCsvCells(row)) : `${count > 0 ? ',' : ''}\n${JSON.stringify(row)}`;
          count++;
        }
        await sink.write(text);
        if (next === null) break;
        page = await next;
      }
      if (!asCsv) await sink.write('\n]\n');
    });
    await sink.finish();
  } catch (err) {
    sink.abort();
    throw err;
  }
  if (file !== '-') (io.stderr ?? process.stderr).write(`Wrote ${count} row(s) to ${file}.\n`);
  return ExitCode.ok;
}

/** The rows the daemon wrote to the file, or undefined from a daemon without `usage/exportFile`. */
async function exportFile(
  client: DaemonClient,
  params: { file: string; since: number; until?: number; filters: UsageFilters; includeSamples: boolean },
): Promise<number | undefined> {
  try {
    return (await client.connection.sendRequest(UsageExportFileRequest.type, params)).rows;
  } catch (err) {
    if (err instanceof ResponseError && err.code === ErrorCodes.MethodNotFound) return undefined;
    throw toConduitError(err);
  }
}

interface Sink {
  /** Resolves when the text may be followed by more: a slow reader of stdout holds the export back. */
  write(text: string): void | Promise<void>;
  finish(): Promise<void>;
  abort(): void;
}

/** Writes to FILE.partial and renames at the end, so a failed export never leaves half a file under FILE. */
function openSink(file: string, io: UsageCommandIo): Sink {
  if (file === '-') {
    const out = io.stdout ?? process.stdout;
    return {
      write: (t) => {
        if (out.write(t)) return;
        return new Promise<void>((resolve) => out.once('drain', () => resolve()));
      },
      finish: async () => undefined,
      abort: () => undefined,
    };
  }
  const partial = `${file}.partial`;
  // 0600: exports can hold prompt samples.
  const fd = fs.openSync(partial, 'w', 0o600);
  return {
    write: (t) => {
      fs.writeSync(fd, t);
    },
    finish: async () => {
      fs.fsyncSync(fd);
      fs.closeSync(fd);
      fs.renameSync(partial, file);
    },
    abort: () => {
      try {
        fs.closeSync(fd);
      } catch {
        /* already closed */
      }
      fs.rmSync(partial, { force: true });
    },
  };
}

function range(since: string | undefined, until: string | undefined, now: number): { since: number; until?: number } {
  for (const [flag, v] of [
    ['--since', since],
    ['--until', until],
  ] as const) {
    if (v !== undefined && /^-\d/.test(v.trim()))
      throw new UsageError(
        `${flag} ${v}: a duration back from now must be ≥ 0; write ${v.trim().slice(1)} for "${v.trim().slice(1)} ago".`,
      );
  }
  const from = since === undefined ? 0 : parseTimeSpec(since, now);
  if (from === null)
    throw new UsageError(`--since: "${since}" is not a time; use e.g. 24h, 7d, 2w, today or 2025-03-01.`);
  if (until === undefined) return { since: from };
  const to = parseTimeSpec(until, now);
  if (to === null) throw new UsageError(`--until: "${until}" is not a time; use e.g. 24h, today or 2025-03-01.`);
  if (to <= from) throw new UsageError('--until must be after --since.');
  return { since: from, until: to };
}

function filters(values: { feature?: string; provider?: string; model?: string }): UsageFilters {
  const f: UsageFilters = {};
  if (values.feature !== undefined) f.feature = values.feature;
  if (values.model !== undefined) f.model = values.model;
  if (values.provider !== undefined) {
    if (!(ProviderIds as readonly string[]).includes(values.provider))
      throw new UsageError(`unknown provider "${values.provider}"; expected one of ${ProviderIds.join(', ')}.`);
    f.provider = values.provider as ProviderId;
  }
  return f;
}

async function withClient<T>(io: UsageCommandIo, work: (client: DaemonClient) => Promise<T>): Promise<T> {
  // The ledger lives in the daemon, so asking for usage starts one, as `ask` does.
  const client = await (io.connect ?? (() => connect(true)))();
  try {
    return await work(client);
  } finally {
    client.close();
  }
}

/** DaemonClient has typed calls for chat and status only; the rest go through its connection. */
async function call<R>(request: () => Promise<R>): Promise<R> {
  try {
    return await request();
  } catch (err) {
    throw toConduitError(err);
  }
}
