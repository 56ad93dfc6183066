import * as path from 'node:path';
import type { SemanticSettings } from './cacheSettings';
import type { Embedder } from './embedder';
import type { EmbeddingCall } from './embeddingUsage';
import { LexicalEmbedder } from './lexicalEmbedder';
import { securePrivateDir } from '../home/safePath';
import { defaultLocalModelDir, loadLocalEmbedder, type LocalEmbedderOptions } from './localEmbedder';
import { recordEmbedderChoice } from './semanticStatus';
import { loadChunk } from '../platform/codeChunk';

export interface EmbedderContext {
  home: string;
  /** The chat base URL and key for a provider, so embeddings go where chat goes. */
  providerAccess?: (provider: 'openai' | 'gemini') => { baseURL: string; apiKey: string | undefined };
  log: (level: 'info' | 'warn', msg: string, fields?: Record<string, unknown>) => void;
  importModule?: LocalEmbedderOptions['importModule'];
  /** Each provider embedding call, for the ledger. */
  onEmbeddingCall?: (call: EmbeddingCall) => void;
}

/**
 * The embedder the settings ask for. `local` and `provider` need things that may be missing (the
 * package and model folder, or a key); then the cache still works, with `lexical`, and the log
 * says why once.
 */
export async function chooseEmbedder(settings: SemanticSettings, ctx: EmbedderContext): Promise<Embedder> {
  if (settings.embedder === 'local') {
    const modelDir = settings.localModelDir ?? defaultLocalModelDir(ctx.home);
    try {
      // A models/ folder planted in the home (a link, another user's) must not load its ONNX file.
      if (!settings.localModelDir) securePrivateDir(path.dirname(modelDir));
      const t0 = performance.now();
      const embedder = await loadLocalEmbedder({
        modelDir,
        ...(ctx.importModule ? { importModule: ctx.importModule } : {}),
      });
      ctx.log('info', 'semantic cache: local embedder loaded', {
        id: embedder.id,
        modelDir,
        dtype: embedder.dtype,
        sha256: embedder.sha256,
        pinned: embedder.sha256 === settings.localModelSha256,
        loadMs: Math.round(performance.now() - t0),
      });
      recordEmbedderChoice(
        embedder.id,
        `the local model in ${modelDir} loaded (conduit.cache.semantic.embedder = local)`,
      );
      return embedder;
    } catch (err) {
      const why = err instanceof Error ? err.message : String(err);
      ctx.log('warn', `semantic cache: the local embedder is unavailable, using lexical instead: ${why}`);
      recordEmbedderChoice(
        'lexical',
        `local was asked for but is unavailable: ${why}. See docs/platforms.md (the local embedder is an optional install)`,
      );
      return new LexicalEmbedder();
    }
  }
  if (settings.embedder === 'provider') {
    const access = ctx.providerAccess?.(settings.provider);
    if (!access?.apiKey) {
      ctx.log('warn', `semantic cache: no API key for ${settings.provider} embeddings, using lexical instead`);
      recordEmbedderChoice(
        'lexical',
        `provider embeddings were asked for but there is no ${settings.provider} API key`,
      );
      return new LexicalEmbedder();
    }
    recordEmbedderChoice(
      `provider:${settings.provider}`,
      `conduit.cache.semantic.embedder = provider (${settings.provider})`,
    );
    // Its SDK loads only for a daemon that embeds through a provider.
    const { providerEmbedder } = await loadChunk('the embeddings code', () => import('./providerEmbedder'));
    return providerEmbedder({
      provider: settings.provider,
      apiKey: access.apiKey,
      baseURL: access.baseURL,
      ...(settings.providerModel ? { model: settings.providerModel } : {}),
      ...(ctx.onEmbeddingCall ? { onCall: ctx.onEmbeddingCall } : {}),
    });
  }
  recordEmbedderChoice('lexical', 'conduit.cache.semantic.embedder = lexical (the default)');
  return new LexicalEmbedder();
}
