import {
  ConduitError,
  ProviderIds,
  type ConduitErrorData,
  type KeySetResult,
  type ProviderId,
} from '../../../protocol';
import { KeysListRequest, KeysRemoveRequest, KeysSetRequest } from '../../../protocol/keys';
import { ambientCredentialsHelp } from '../../secrets/credentialKind';
import { KeychainError } from '../../secrets/keychain';
import { checkKey, last4 } from '../../secrets/keyFormat';
import { ProfileNameError, type KeyRing } from '../../secrets/keyRing';
import type { VerifyResult } from '../../secrets/keyVerify';
import type { RegisterHandlers } from '../clientSession';
import { answer } from './answer';

export interface KeyHandlerDeps {
  ring: KeyRing;
  env: NodeJS.ProcessEnv;
  /** The profile a request without one uses (config `profile`). */
  defaultProfile: () => string;
  baseURL: (provider: ProviderId) => string;
  verify: (provider: ProviderId, key: string, baseURL: string) => Promise<VerifyResult>;
  log: (level: 'info' | 'warn', msg: string, fields?: Record<string, unknown>) => void;
}

const MAX_KEY_CHARS = 1024;

/** `keys/*`: the only way a key reaches the daemon after start, and nothing ever sends one back. */
export function keyHandlers(deps: KeyHandlerDeps): RegisterHandlers {
  return (connection, ctx) => {
    connection.onRequest(KeysSetRequest.type, (params) =>
      answer(
        ctx.requireAuth,
        async (): Promise<KeySetResult> => {
          const provider = parseProvider(params?.provider);
          const ambient = ambientCredentialsHelp(provider);
          if (ambient) throw bad(`Nothing was stored: ${ambient}`);
          const profile = params?.profile ?? deps.defaultProfile();
          if (typeof params?.key !== 'string' || params.key.length > MAX_KEY_CHARS)
            throw bad(`keys/set needs the key as a string of at most ${MAX_KEY_CHARS} characters.`);
          const { key, warnings } = checkKey(provider, params.key);
          if (!key) throw bad('The key is empty.');
          let verified: VerifyResult | undefined;
          if (params.verify === true) {
            verified = await deps.verify(provider, key, deps.baseURL(provider));
            if (!verified.ok)
              throw new ConduitError({
                code: 'auth',
                provider,
                message: `The key was not stored: ${verified.message}`,
              });
          }
          const { id, count } = await deps.ring.set(profile, provider, key, params.add === true);
          deps.log('info', 'key stored', {
            provider,
            profile,
            id,
            count,
            keyLast4: last4(key),
            warnings: warnings.length,
          });
          return { provider, profile, id, last4: last4(key), count, warnings, ...(verified ? { verified } : {}) };
        },
        keyErrorData('Nothing was stored.'),
      ),
    );

    connection.onRequest(KeysListRequest.type, (params) =>
      answer(
        ctx.requireAuth,
        async () => {
          const profile = params?.profile ?? deps.defaultProfile();
          // The keychain may have been unlocked since the daemon started.
          if (!deps.ring.state.available) await deps.ring.load();
          return {
            profile,
            profiles: deps.ring.profileNames(),
            keychain: deps.ring.state,
            providers: deps.ring.list(profile, deps.env),
          };
        },
        keyErrorData(''),
      ),
    );

    connection.onRequest(KeysRemoveRequest.type, (params) =>
      answer(
        ctx.requireAuth,
        async () => {
          const provider = parseProvider(params?.provider);
          const profile = params?.profile ?? deps.defaultProfile();
          if (params?.id !== undefined && typeof params.id !== 'string')
            throw bad('keys/remove: id must be a string such as "k2".');
          const { removed, remaining } = await deps.ring.remove(profile, provider, params?.id);
          deps.log('info', 'key removed', { provider, profile, id: params?.id ?? 'all', removed, remaining });
          return { provider, profile, removed, remaining };
        },
        keyErrorData('Nothing was removed.'),
      ),
    );
  };
}

function parseProvider(value: unknown): ProviderId {
  if (typeof value === 'string' && (ProviderIds as readonly string[]).includes(value)) return value as ProviderId;
  throw new ConduitError({
    code: 'unknown_provider',
    message: `Unknown provider "${String(value).slice(0, 40)}"; expected one of ${ProviderIds.join(', ')}.`,
  });
}

function bad(message: string): ConduitError {
  return new ConduitError({ code: 'bad_request', message });
}

function keyErrorData(outcome: string): (err: unknown) => ConduitErrorData | undefined {
  return (err) => {
    if (err instanceof KeychainError)
      return { code: 'keychain_unavailable', message: outcome ? `${err.message} ${outcome}` : err.message };
    if (err instanceof ProfileNameError) return { code: 'bad_request', message: err.message };
    return undefined;
  };
}
