import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import {
  BatchCancelRequest,
  BatchListRequest,
  BatchProviderIds,
  BatchResultsRequest,
  BatchStatusRequest,
  BatchSubmitRequest,
  type BatchJob,
  type BatchProviderId,
} from '../../protocol';
import { toConduitError } from '../client/daemonClient';
import { formatUsd } from '../usage/pricing';
import { FILE_LIMITS, readUserFile } from './readUserFile';
import { connect, ExitCode, selectedProfile, UsageError } from './context';
import { readTextFile, splitLines, stripBom } from '../platform/textFile';

/** `conduit batch submit|list|status|results|cancel`: bulk jobs through the providers' Batch APIs. */
export async function batchCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      json: { type: 'boolean', default: false },
      provider: { type: 'string' },
      model: { type: 'string' },
      feature: { type: 'string' },
      out: { type: 'string' },
    },
  });
  const [sub, arg] = positionals;
  if (sub !== 'submit' && sub !== 'list' && sub !== 'status' && sub !== 'results' && sub !== 'cancel') {
    throw new UsageError(
      sub === undefined
        ? 'batch needs a command: submit FILE, list, status ID, results ID or cancel ID.'
        : `unknown batch command "${sub}".`,
    );
  }
  if (sub !== 'list' && !arg)
    throw new UsageError(
      sub === 'submit'
        ? 'batch submit needs a file of JSON lines (or - for stdin).'
        : `batch ${sub} needs a batch id (see \`conduit batch list\`).`,
    );
  const provider = values.provider === undefined ? undefined : batchProvider(values.provider);
  const lines = sub === 'submit' ? readLines(arg!) : [];
  const client = await connect(true);
  const send = <R>(p: Promise<R>) =>
    p.catch((e: unknown) => {
      throw toConduitError(e);
    });
  try {
    if (sub === 'submit') {
      const profile = selectedProfile();
      const job = await send(
        client.connection.sendRequest(BatchSubmitRequest.type, {
          lines,
          source: arg === '-' ? 'stdin' : path.basename(arg!),
          ...(provider ? { provider } : {}),
          ...(values.model ? { model: values.model } : {}),
          ...(values.feature ? { feature: values.feature } : {}),
          ...(profile ? { profile } : {}),
        }),
      );
      if (values.json) process.stdout.write(JSON.stringify(job, null, 2) + '\n');
      else
        process.stdout.write(
          `Submitted ${job.id}: ${job.counts.total} request${job.counts.total === 1 ? '' : 's'} to ${job.provider}/${job.model} (provider batch ${job.providerBatchId}).\nResults usually arrive within hours; \`conduit batch status ${job.id}\` shows progress.\n`,
        );
      return ExitCode.ok;
    }
    if (sub === 'list') {
      const jobs = await send(client.connection.sendRequest(BatchListRequest.type, {}));
      if (values.json) process.stdout.write(JSON.stringify(jobs, null, 2) + '\n');
      else process.stdout.write(jobs.length ? jobs.map(formatJob).join('') : 'No batch jobs.\n');
      return ExitCode.ok;
    }
    if (sub === 'cancel') {
      // Refusals (unknown id, job already over) come back as errors and exit 1 with their message.
      const job = await send(client.connection.sendRequest(BatchCancelRequest.type, { id: arg! }));
      if (values.json) process.stdout.write(JSON.stringify(job, null, 2) + '\n');
      else
        process.stdout.write(
          `Asked ${job.provider} to cancel ${job.id} (provider says ${job.providerStatus ?? 'nothing yet'}). Requests that already finished keep their results; the rest are recorded as cancelled once ${job.provider} ends the batch. \`conduit batch status ${job.id}\` shows when.\n`,
        );
      return ExitCode.ok;
    }
    const job = await send(client.connection.sendRequest(BatchStatusRequest.type, { id: arg! }));
    if (!job) {
      process.stderr.write(`conduit: no batch ${arg}; \`conduit batch list\` shows them.\n`);
      return ExitCode.failed;
    }
    if (sub === 'status') {
      process.stdout.write(values.json ? JSON.stringify(job, null, 2) + '\n' : formatStatus(job));
      return ExitCode.ok;
    }
    if (job.state === 'in_progress' || job.state === 'submitting') {
      process.stderr.write(
        `conduit: batch ${job.id} is still in progress (${job.counts.pending} of ${job.counts.total} pending); try again later, or watch \`conduit batch status ${job.id}\`.\n`,
      );
      return ExitCode.failed;
    }
    const results = (await send(client.connection.sendRequest(BatchResultsRequest.type, { id: arg! }))) ?? [];
    const text =
      results
        .map((r) =>
          JSON.stringify(
            values.json
              ? r
              : {
                  custom_id: r.customId,
                  line: r.line,
                  state: r.state,
                  text: r.text,
                  model: r.model,
                  cost_usd: r.costUsd,
                  // Named as in a live answer (`conduit ask --json`), so one reader takes both.
                  ...(r.toolCalls ? { toolCalls: r.toolCalls } : {}),
                  ...(r.stopSequence !== undefined ? { stopSequence: r.stopSequence } : {}),
                  ...(r.errorCode ? { error: { code: r.errorCode, message: r.errorMessage } } : {}),
                },
          ),
        )
        .join('\n') + (results.length ? '\n' : '');
    if (values.out) {
      fs.writeFileSync(values.out, text);
      process.stderr.write(
        `Wrote ${results.length} results to ${values.out} (${job.counts.succeeded} succeeded, ${job.counts.errored} errored, ${job.counts.expired + job.counts.canceled} not run).\n`,
      );
    } else {
      process.stdout.write(text);
    }
    return ExitCode.ok;
  } finally {
    client.close();
  }
}

function batchProvider(value: string): BatchProviderId {
  if ((BatchProviderIds as readonly string[]).includes(value)) return value as BatchProviderId;
  throw new UsageError(`--provider must be one of ${BatchProviderIds.join(', ')} (the providers with a Batch API).`);
}

function readLines(file: string): string[] {
  if (file !== '-') return splitLines(stripBom(readUserFile(file, 'batch file', FILE_LIMITS.batch).toString('utf8')));
  try {
    return splitLines(readTextFile(0));
  } catch (err) {
    throw new UsageError(`cannot read ${file}: ${err instanceof Error ? err.message : String(err)}`);
  }
}

function formatJob(job: BatchJob): string {
  const c = job.counts;
  return `${job.id}  ${job.state.padEnd(11)} ${new Date(job.createdAt).toISOString()}  ${job.provider}/${job.model}  ${c.total - c.pending}/${c.total} done  ${formatUsd(job.costUsd)}${job.source ? `  ${job.source}` : ''}\n`;
}

function formatStatus(job: BatchJob): string {
  const c = job.counts;
  const lines = [
    `${job.id}: ${job.state}${job.providerStatus ? ` (provider says ${job.providerStatus})` : ''}`,
    `  ${job.provider}/${job.model}, provider batch ${job.providerBatchId ?? 'none'}`,
    `  requests: ${c.total} (${c.succeeded} succeeded, ${c.errored} errored, ${c.expired} expired, ${c.canceled} cancelled, ${c.pending} pending)`,
    `  cost at batch prices: ${formatUsd(job.costUsd)}`,
    `  polled ${job.polls} time${job.polls === 1 ? '' : 's'}${job.nextPollAt ? `; next poll ${new Date(job.nextPollAt).toISOString()}` : ''}`,
  ];
  if (job.lastError)
    lines.push(
      `  ${job.state === 'in_progress' ? 'last poll failed' : 'error'}: ${job.lastError.code}: ${job.lastError.message}`,
    );
  return lines.join('\n') + '\n';
}
