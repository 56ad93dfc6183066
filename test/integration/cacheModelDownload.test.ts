import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateTinyBert } from '../fixtures/tinyBert/generateTinyBert';
import { DaemonHarness } from './harness';

const REPO = 'conduit-test/tiny-bert';
const REV = 'main';

describe('conduit cache model install --download, through the CLI', () => {
  let server: http.Server;
  let base = '';
  let h: DaemonHarness;
  let sha = '';

  beforeAll(async () => {
    h = new DaemonHarness('http://127.0.0.1:9');
    const served = path.join(h.home, 'served');
    generateTinyBert(served, { onnxName: 'model_quantized.onnx' });
    sha = createHash('sha256')
      .update(fs.readFileSync(path.join(served, 'onnx', 'model_quantized.onnx')))
      .digest('hex');
    server = http.createServer((req, res) => {
      const prefix = `/${REPO}/resolve/${REV}/`;
      const file = req.url?.startsWith(prefix) ? path.join(served, req.url.slice(prefix.length)) : '';
      if (!file || !fs.existsSync(file)) {
        res.writeHead(404).end();
        return;
      }
      const data = fs.readFileSync(file);
      res.writeHead(200, { 'Content-Length': data.length }).end(data);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise<void>((r) => server.close(() => r()));
    await h.dispose();
  });

  it('fetches from CONDUIT_MODEL_BASE_URL in the hub layout, shows progress, and installs the pinned file', async () => {
    h.env.CONDUIT_MODEL_BASE_URL = base;
    const r = await h.cli([
      'cache',
      'model',
      'install',
      '--download',
      '--repo',
      REPO,
      '--revision',
      REV,
      '--sha256',
      sha,
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/downloading onnx\/model_quantized\.onnx: \d+ of \d+ bytes \(100%\)/);
    expect(r.stdout).toMatch(new RegExp(`Installed the model in .*has the expected sha256 ${sha}`));
    const bad = await h.cli([
      'cache',
      'model',
      'install',
      '--download',
      '--repo',
      REPO,
      '--revision',
      REV,
      '--sha256',
      '0'.repeat(64),
    ]);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/sha256 mismatch/);
  });
});
