import { parseArgs } from 'node:util';
import {
  ConduitError,
  KeysListRequest,
  KeysRemoveRequest,
  KeysSetRequest,
  ProviderIds,
  type KeyOrigin,
  type KeysListResult,
  type KeySetResult,
  type ProviderId,
} from '../../protocol';
import { toConduitError } from '../client/daemonClient';
import { connect, ExitCode, selectedProfile, UsageError } from './context';
import { readHidden } from './hiddenPrompt';

/**
 * `conduit key set|list|remove`. A key is read from stdin or a hidden prompt, never from the
 * command line (where shell history and `ps` would keep it), and sent once to the daemon, which
 * stores it in the OS keychain, or with `--insecure-storage` in a 0600 file in CONDUIT_HOME.
 */
export async function keyCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      add: { type: 'boolean', default: false },
      verify: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      'insecure-storage': { type: 'boolean', default: false },
    },
  });
  const [sub, providerArg, ...rest] = positionals;
  const profile = selectedProfile();
  switch (sub) {
    case 'set': {
      const provider = parseProvider(providerArg, 'key set');
      if (rest.length > 0) {
        throw new UsageError(
          'key set takes no key argument: a key on the command line ends up in your shell history. Pipe it (`conduit key set openai < keyfile`) or type it at the prompt.',
        );
      }
      const insecure = values['insecure-storage'];
      if (insecure && values.add)
        throw new UsageError('--add keeps several keychain keys; the insecure file holds one key per provider.');
      const key = await readKey(provider);
      if (!key.trim()) throw new UsageError('no key given: pipe it on stdin or type it at the prompt.');
      const result = await withClient((client) =>
        client.connection.sendRequest(KeysSetRequest.type, {
          provider,
          key,
          add: values.add,
          verify: values.verify,
          ...(insecure ? { insecureStorage: true } : {}),
          ...(profile ? { profile } : {}),
        }),
      ).catch((err: unknown) => {
        throw withFileHint(err, provider);
      });
      if (insecure) process.stderr.write(INSECURE_WARNING);
      if (values.json) process.stdout.write(JSON.stringify(result, null, 2) + '\n');
      else process.stdout.write(formatSet(result));
      for (const w of result.warnings) process.stderr.write(`conduit: warning: ${w}\n`);
      return ExitCode.ok;
    }
    case 'list': {
      const result = await withClient((client) =>
        client.connection.sendRequest(KeysListRequest.type, profile ? { profile } : {}),
      );
      process.stdout.write(values.json ? JSON.stringify(result, null, 2) + '\n' : formatList(result));
      return ExitCode.ok;
    }
    case 'remove': {
      const provider = parseProvider(providerArg, 'key remove');
      const id = rest[0];
      const result = await withClient((client) =>
        client.connection.sendRequest(KeysRemoveRequest.type, {
          provider,
          ...(id !== undefined ? { id } : {}),
          ...(profile ? { profile } : {}),
        }),
      );
      if (values.json) process.stdout.write(JSON.stringify(result, null, 2) + '\n');
      else if (result.removed === 0)
        process.stdout.write(`No ${id ? `key ${id}` : 'stored key'} for ${provider} in profile ${result.profile}.\n`);
      else
        process.stdout.write(
          `Removed ${result.removed} ${provider} key${result.removed > 1 ? 's' : ''} (profile ${result.profile}); ` +
            `${result.remaining} left in the keychain.\n`,
        );
      return result.removed === 0 ? ExitCode.failed : ExitCode.ok;
    }
    default:
      throw new UsageError(
        sub === undefined ? 'key needs a command: set, list or remove.' : `unknown key command "${sub}".`,
      );
  }
}

async function withClient<T>(work: (client: Awaited<ReturnType<typeof connect>>) => Promise<T>): Promise<T> {
  const client = await connect(true);
  try {
    return await work(client).catch((e: unknown) => {
      throw toConduitError(e);
    });
  } finally {
    client.close();
  }
}

function parseProvider(value: string | undefined, what: string): ProviderId {
  if (value !== undefined && (ProviderIds as readonly string[]).includes(value)) return value as ProviderId;
  throw new UsageError(`${what} needs a provider: one of ${ProviderIds.join(', ')}.`);
}

async function readKey(provider: ProviderId): Promise<string> {
  if (process.stdin.isTTY) return readHidden(`${provider} API key (input hidden): `);
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

const INSECURE_WARNING =
  'conduit: warning: the key is stored in a plain file in CONDUIT_HOME (mode 0600, readable by you and by root), ' +
  'not in an OS keychain. Use this only where no keychain exists, and prefer the keychain when one is available.\n';

/** Where the keychain cannot be reached, the error also names the opt-in file store. */
function withFileHint(err: unknown, provider: ProviderId): unknown {
  if (!(err instanceof ConduitError) || err.code !== 'keychain_unavailable') return err;
  return new ConduitError({
    ...err.data,
    message:
      `${err.message} On a machine with no keychain (SSH, a container, WSL) you can opt in to a plain file ` +
      `instead: \`conduit key set ${provider} --insecure-storage\`.`,
  });
}

function formatSet(r: KeySetResult): string {
  if (r.store === 'file') {
    const verified = r.verified ? ` Verified: ${r.verified.message}` : '';
    const key = `…${r.last4 || '(short)'}`;
    return `Stored the ${r.provider} key ${key} in the insecure key file (profile ${r.profile}).${verified}\n`;
  }
  const verified = r.verified ? ` Verified: ${r.verified.message}` : '';
  return `Stored the ${r.provider} key …${r.last4 || '(short)'} in the OS keychain as ${r.id} (profile ${r.profile}; ${r.count} key${r.count > 1 ? 's' : ''} for ${r.provider}). The next request uses ${r.count > 1 ? 'the keys in order' : 'it'}.${verified}\n`;
}

const WHERE: Record<KeyOrigin, (id: string) => string> = {
  keychain: (id) => `keychain ${id}`,
  session: () => 'VS Code window (memory)',
  file: () => 'insecure file',
  env: (id) => `env ${id}`,
};

function formatList(r: KeysListResult): string {
  const lines = [
    r.keychain.available
      ? `Keychain: ${r.keychain.store} (available)`
      : `Keychain: ${r.keychain.store} UNAVAILABLE: ${r.keychain.problem ?? 'unknown reason'}`,
    `Profile: ${r.profile}${r.profiles.length ? ` (profiles with keys: ${r.profiles.join(', ')})` : ''}`,
  ];
  if (r.insecureFile)
    lines.push(
      r.insecureFile.problem
        ? `Insecure key file: REFUSED: ${r.insecureFile.problem}`
        : `Insecure key file: ${r.insecureFile.path}`,
    );
  for (const p of r.providers) {
    if (p.keys.length === 0) {
      lines.push(`  ${p.provider.padEnd(17)} no key`);
      continue;
    }
    p.keys.forEach((k, i) => {
      const where = WHERE[k.origin](k.id);
      const flags = [k.active ? 'active' : '', k.rejected ? 'rejected (401)' : ''].filter(Boolean).join(', ');
      lines.push(
        `  ${(i === 0 ? p.provider : '').padEnd(17)} ${where.padEnd(28)} …${k.last4 || '(short)'}${flags ? `  (${flags})` : ''}`,
      );
    });
  }
  return lines.join('\n') + '\n';
}
