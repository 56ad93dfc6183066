import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { localEndpointOnUse } from '../../../../daemon/compose/localEndpointOnUse';
import { configSchema, type ConduitConfig } from '../../../../daemon/config/config';
import { Redactor } from '../../../../daemon/guard/redact';
import type { LocalEndpointParts } from '../../../../daemon/http/createLocalEndpoint';
import { endpointTokenFile } from '../../../../daemon/http/endpointToken';
import { LocalEndpoint } from '../../../../daemon/http/localEndpoint';

/**
 * The local endpoint's code loads only once the settings enable it (issue #23). Enabling it, and
 * what it then serves, is test/integration/localEndpointLive.test.ts, on the real daemon.
 */
describe('localEndpointOnUse', () => {
  let home: string;
  let config: ConduitConfig;
  let loads: number;
  let lines: { level: string; msg: string; fields?: Record<string, unknown> }[];
  let redactor: Redactor;

  beforeEach(() => {
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'conduit-endpoint-on-use-'));
    config = configSchema.parse({ server: { enabled: false, port: 4999, host: '127.0.0.1' } });
    loads = 0;
    lines = [];
    redactor = new Redactor();
  });
  afterEach(() => fs.rmSync(home, { recursive: true, force: true }));

  // Only what the endpoint uses before its code loads; the rest is the real daemon's (integration tests).
  const parts = (): LocalEndpointParts =>
    ({
      home,
      config: () => config,
      redactor,
      log: (level: string, msg: string, fields?: Record<string, unknown>) => lines.push({ level, msg, fields }),
    }) as unknown as LocalEndpointParts;

  it('loads nothing while off, and reports what LocalEndpoint reports when off', async () => {
    const local = localEndpointOnUse(parts(), () => {
      loads++;
      return import('../../../../daemon/http/createLocalEndpoint');
    });
    const off = new LocalEndpoint({ token: 'x'.repeat(43), deps: {} as never, log: () => {} });
    expect(local.endpoint.state()).toEqual(off.state());
    await local.apply();
    await off.apply(config.server);
    expect(local.endpoint.state()).toEqual(off.state());
    expect(local.endpoint.state()).toMatchObject({ enabled: false, listening: false, port: 4999 });
    await local.endpoint.close(Date.now());
    expect(loads).toBe(0);
  });

  it('reads the token at start, so the redactor hides it while the endpoint is off', () => {
    localEndpointOnUse(parts(), () => Promise.reject(new Error('not loaded while off')));
    const token = fs.readFileSync(endpointTokenFile(home), 'utf8').trim();
    expect(token.length).toBeGreaterThan(20);
    expect(redactor.text(`a prompt with ${token} in it`)).not.toContain(token);
  });

  it('says what happened when its code cannot be loaded, and stays off', async () => {
    const local = localEndpointOnUse(parts(), () => {
      loads++;
      return Promise.reject(new Error('Cannot find module chunks/createLocalEndpoint.mjs'));
    });
    config = configSchema.parse({ server: { enabled: true, port: 4999 } });
    await local.apply();
    expect(loads).toBe(1);
    const state = local.endpoint.state();
    expect(state).toMatchObject({ enabled: true, listening: false, port: 4999 });
    expect(state.problem).toMatch(/local endpoint's code could not be loaded .*reinstall Conduit/);
    expect(lines).toContainEqual(expect.objectContaining({ level: 'error', msg: 'local endpoint not started' }));
    // Turned off again: no problem left to report, and nothing tried again.
    config = configSchema.parse({ server: { enabled: false } });
    await local.apply();
    expect(loads).toBe(1);
    expect(local.endpoint.state()).toEqual({
      enabled: false,
      listening: false,
      host: '127.0.0.1',
      port: 4141,
      backpressure: { streamWaits: 0, peakUnsentBytes: 0 },
    });
  });
});
