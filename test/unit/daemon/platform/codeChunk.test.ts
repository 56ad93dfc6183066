import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { isReplacedCode, loadChunk, onReplacedCode, ReplacedCodeError } from '../../../../daemon/platform/codeChunk';

describe('loading a code file that an update replaced', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'conduit-chunk-'));
  const stops: Array<() => void> = [];
  afterEach(() => {
    for (const stop of stops.splice(0)) stop();
  });

  const nativeImport = (url: string): Promise<unknown> => import(/* @vite-ignore */ url);

  it('throws a clear ReplacedCodeError for a missing file and tells the listeners once per load', async () => {
    const heard: ReplacedCodeError[] = [];
    stops.push(onReplacedCode((err) => heard.push(err)));
    const gone = path.join(dir, 'openaiAdapter-GONE.mjs');
    const err = await loadChunk("the openai provider's code", () => nativeImport(pathToFileURL(gone).href)).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ReplacedCodeError);
    expect((err as ReplacedCodeError).code).toBe('daemon_unavailable');
    expect((err as ReplacedCodeError).message).toMatch(/updated while this daemon was running/);
    expect((err as ReplacedCodeError).file).toContain('openaiAdapter-GONE.mjs');
    expect(heard).toEqual([err]);
  });

  it('tells a chunk from another build (an import it does not provide) from other failures', async () => {
    fs.writeFileSync(path.join(dir, 'shared.mjs'), 'export const other = 1;\n');
    fs.writeFileSync(path.join(dir, 'user.mjs'), "import { wanted } from './shared.mjs';\nexport default wanted;\n");
    // Node's own loader, in a process of its own: the test runner links modules its own way.
    const probe = `import(${JSON.stringify(pathToFileURL(path.join(dir, 'user.mjs')).href)}).catch((e) =>
      process.stdout.write(JSON.stringify({ name: e.name, message: e.message })))`;
    const seen = JSON.parse(execFileSync(process.execPath, ['-e', probe], { encoding: 'utf8' })) as {
      name: string;
      message: string;
    };
    expect(seen.name).toBe('SyntaxError');
    expect(isReplacedCode(new SyntaxError(seen.message))).toBe(true);
    expect(isReplacedCode(new SyntaxError('Unexpected token'))).toBe(false);

    const heard: unknown[] = [];
    stops.push(onReplacedCode((e) => heard.push(e)));
    const own = new Error('the adapter threw');
    await expect(loadChunk('x', () => Promise.reject(own))).rejects.toBe(own);
    fs.writeFileSync(path.join(dir, 'throws.mjs'), "throw new TypeError('at evaluation');\n");
    const thrown = await loadChunk('y', () => nativeImport(pathToFileURL(path.join(dir, 'throws.mjs')).href)).catch(
      (e: unknown) => e,
    );
    expect(thrown).toBeInstanceOf(TypeError);
    expect(heard).toEqual([]);
  });
});
