import { parseArgs } from 'node:util';
import { JobsGetRequest, JobsListRequest, JobsRetryRequest, type Job, type JobState } from '../../protocol';
import { toConduitError } from '../client/daemonClient';
import { connect, ExitCode, UsageError } from './context';

const STATES: readonly JobState[] = ['queued', 'running', 'done', 'failed', 'held'];

export async function jobsCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { json: { type: 'boolean', default: false }, state: { type: 'string', multiple: true } },
  });
  const [sub, id] = positionals;
  const states = (values.state ?? []).map((s) => {
    if (!(STATES as readonly string[]).includes(s))
      throw new UsageError(`--state must be one of ${STATES.join(', ')}.`);
    return s as JobState;
  });
  const client = await connect(true);
  try {
    if (sub === 'show') {
      if (!id) throw new UsageError('jobs show needs a job id.');
      const job = await client.connection.sendRequest(JobsGetRequest.type, { id }).catch((e: unknown) => {
        throw toConduitError(e);
      });
      if (!job) {
        process.stderr.write(`conduit: no job ${id}.\n`);
        return ExitCode.failed;
      }
      process.stdout.write(values.json ? JSON.stringify(job, null, 2) + '\n' : formatJob(job, true));
      return ExitCode.ok;
    }
    if (sub === 'retry') {
      if (!id) throw new UsageError('jobs retry needs a job id (see `conduit jobs --state held`).');
      const job = await client.connection.sendRequest(JobsRetryRequest.type, { id }).catch((e: unknown) => {
        throw toConduitError(e);
      });
      if (!job) {
        process.stderr.write(
          `conduit: job ${id} is not held or failed (see \`conduit jobs show ${id}\`); nothing was changed.\n`,
        );
        return ExitCode.failed;
      }
      process.stdout.write(
        values.json ? JSON.stringify(job, null, 2) + '\n' : `Job ${id} is queued again and runs shortly.\n`,
      );
      return ExitCode.ok;
    }
    if (sub !== undefined) throw new UsageError(`unknown jobs command "${sub}".`);
    const jobs = await client.connection.sendRequest(JobsListRequest.type, { states }).catch((e: unknown) => {
      throw toConduitError(e);
    });
    if (values.json) process.stdout.write(JSON.stringify(jobs, null, 2) + '\n');
    else process.stdout.write(jobs.length ? jobs.map((j) => formatJob(j, false)).join('') : 'No background jobs.\n');
    return ExitCode.ok;
  } finally {
    client.close();
  }
}

function formatJob(job: Job, full: boolean): string {
  const when = new Date(job.createdAt).toISOString();
  const what =
    job.state === 'done'
      ? `answered by ${job.result?.provider}/${job.result?.model}`
      : job.lastError
        ? `${job.lastError.code}: ${job.lastError.message}`
        : '';
  let out = `${job.id}  ${job.state.padEnd(7)} ${when}  runs ${job.runs}  ${what}\n`;
  if (full && job.result) out += `\n${job.result.text}\n`;
  return out;
}
