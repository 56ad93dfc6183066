import { TeamPasswordRequest } from '../../protocol';
import { toConduitError } from '../client/daemonClient';
import { connect, ExitCode, UsageError } from './context';
import { readHidden } from './hiddenPrompt';

/**
 * `conduit team password`: the team's Redis password, read from stdin or a hidden prompt (never
 * the command line), stored by the daemon in the OS keychain next to the provider keys.
 */
export async function teamCommand(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub !== 'password' || rest.length > 0)
    throw new UsageError('usage: conduit team password   (reads the Redis password from stdin or a hidden prompt)');
  const password = (
    process.stdin.isTTY ? await readHidden('Team Redis password (input hidden): ') : await readStdin()
  ).replace(/\r?\n$/, '');
  if (!password) throw new UsageError('no password given: pipe it on stdin or type it at the prompt.');
  const client = await connect(true);
  try {
    const r = await client.connection.sendRequest(TeamPasswordRequest.type, { password });
    process.stdout.write(
      `Stored the team's Redis password in ${r.store}. Run \`conduit stop\` so the daemon reconnects with it.\n`,
    );
    return ExitCode.ok;
  } catch (err) {
    throw toConduitError(err);
  } finally {
    client.close();
  }
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
