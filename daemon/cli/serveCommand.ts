import { parseArgs } from 'node:util';
import type { LocalEndpointStatus } from '../../protocol';
import { conduitHome } from '../home/conduitHome';
import { readOrCreateEndpointToken } from '../http/endpointToken';
import { connect, ExitCode } from './context';

/** `conduit serve [--show-token] [--json]`: the local endpoint's state, base URLs and (on request) token. */
export async function serveCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { 'show-token': { type: 'boolean', default: false }, json: { type: 'boolean', default: false } },
  });
  const client = await connect(true);
  let state: LocalEndpointStatus;
  try {
    state = (await client.status()).localEndpoint ?? {
      enabled: false,
      listening: false,
      host: '127.0.0.1',
      port: 4141,
    };
  } finally {
    client.close();
  }
  const hostPart = state.host.includes(':') ? `[${state.host}]` : state.host;
  const origin = `http://${hostPart}:${state.port}`;
  const urls = { openai: `${origin}/v1`, anthropic: origin };
  const token = values['show-token'] ? readOrCreateEndpointToken(conduitHome()) : undefined;
  if (values.json) {
    process.stdout.write(JSON.stringify({ ...state, baseURLs: urls, ...(token ? { token } : {}) }, null, 2) + '\n');
    return ExitCode.ok;
  }
  const lines = [
    state.listening
      ? `Conduit's local endpoint is listening on ${state.host}:${state.port}.`
      : state.enabled
        ? `Conduit's local endpoint is enabled but not listening: ${state.problem ?? 'see `conduit logs`'}.`
        : 'Conduit\'s local endpoint is off. Turn it on with "server": { "enabled": true } in config.json or the conduit.server.enabled setting.',
    `  OpenAI base URL:     ${urls.openai}`,
    `  Anthropic base URL:  ${urls.anthropic}`,
    token ? `  API key (token):     ${token}` : '  API key (token):     run `conduit serve --show-token` to print it',
  ];
  if (token) lines.push('  Keep the token private: it lets a program spend through your provider keys.');
  process.stdout.write(lines.join('\n') + '\n');
  return ExitCode.ok;
}
