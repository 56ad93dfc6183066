import {
  ConduitError,
  ProviderIds,
  type ConduitErrorData,
  type KeySetResult,
  type ProviderId,
} from '../../../protocol';
import {
  KeysListRequest,
  KeysProvideRequest,
  KeysRemoveRequest,
  KeysSetRequest,
  type KeysProvideResult,
} from '../../../protocol/keys';
import { ambientCredentialsHelp } from '../../secrets/credentialKind';
import { KeychainError } from '../../secrets/keychain';
import { checkKey, last4 } from '../../secrets/keyFormat';
import { checkProfile, ProfileNameError, type KeyRing } from '../../secrets/keyRing';
import type { VerifyResult } from '../../secrets/keyVerify';
import { MAX_KEYS_PER_CONNECTION } from '../../secrets/sessionKeys';
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
          if (params.insecureStorage === true) {
            await deps.ring.setInFile(profile, provider, key);
            deps.log('info', 'key stored', { provider, profile, store: 'file', keyLast4: last4(key) });
            const v = verified ? { verified } : {};
            return { provider, profile, id: 'file', store: 'file', last4: last4(key), count: 1, warnings, ...v };
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
          const file = deps.ring.fileState;
          return {
            profile,
            profiles: deps.ring.profileNames(),
            keychain: deps.ring.state,
            providers: deps.ring.list(profile, deps.env),
            ...(file ? { insecureFile: file } : {}),
          };
        },
        keyErrorData(''),
      ),
    );

    // Keys this connection handed over are forgotten when it closes; the hook is set once.
    let forgetOnClose = false;
    connection.onRequest(KeysProvideRequest.type, (params) =>
      answer(
        ctx.requireAuth,
        async (): Promise<KeysProvideResult> => {
          const session = deps.ring.sources.session;
          if (!session) throw bad('This daemon does not take keys from windows.');
          const provider = parseProvider(params?.provider);
          const ambient = ambientCredentialsHelp(provider);
          if (ambient) throw bad(`Nothing was provided: ${ambient}`);
          const profile = checkProfile(params?.profile ?? deps.defaultProfile());
          if (params?.key !== null && (typeof params?.key !== 'string' || params.key.length > MAX_KEY_CHARS))
            throw bad(`keys/provide needs the key as a string of at most ${MAX_KEY_CHARS} characters, or null.`);
          const { key, warnings } = params.key === null ? { key: null, warnings: [] } : checkKey(provider, params.key);
          if (key === '') throw bad('The key is empty.');
          if (!forgetOnClose) {
            forgetOnClose = true;
            ctx.onClose(() => {
              const dropped = session.forgetConnection(ctx.session);
              if (dropped > 0) deps.log('info', 'window keys forgotten', { session: ctx.session, keys: dropped });
            });
          }
          if (!session.provide(ctx.session, profile, provider, key))
            throw bad(
              `Nothing was provided: this connection already holds ${MAX_KEYS_PER_CONNECTION} keys; withdraw one (key: null) first.`,
            );
          const active = key !== null && deps.ring.candidates(provider, profile, deps.env)[0]?.key === key;
          deps.log('info', key === null ? 'window key withdrawn' : 'window key provided', {
            provider,
            profile,
            session: ctx.session,
            ...(key !== null ? { keyLast4: last4(key), active } : {}),
          });
          return { provider, profile, last4: key === null ? '' : last4(key), active, warnings };
        },
        keyErrorData('Nothing was provided.'),
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
          const id = params?.id;
          // "file" names the file store's key; without an id, every stored key goes, file included.
          const fromFile =
            id === undefined || id === 'file' ? await deps.ring.removeFromFile(profile, provider) : false;
          let { removed, remaining } = { removed: 0, remaining: 0 };
          if (id !== 'file') {
            try {
              ({ removed, remaining } = await deps.ring.remove(profile, provider, id));
            } catch (err) {
              // The file's key is gone even when the keychain cannot be reached; say what happened.
              if (!(fromFile && err instanceof KeychainError)) throw err;
            }
          }
          removed += fromFile ? 1 : 0;
          deps.log('info', 'key removed', { provider, profile, id: id ?? 'all', removed, remaining });
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
