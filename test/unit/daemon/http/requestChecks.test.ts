import { describe, expect, it } from 'vitest';
import {
  allowedHosts,
  checkHost,
  checkOrigin,
  checkToken,
  presentedToken,
} from '../../../../daemon/http/requestChecks';

describe('request checks', () => {
  it('Host: loopback names with the port only, plus an explicitly configured host', () => {
    const loop = allowedHosts('127.0.0.1', 4141);
    for (const ok of ['127.0.0.1:4141', 'localhost:4141', 'LOCALHOST:4141', '[::1]:4141'])
      expect(checkHost(ok, loop), ok).toBeUndefined();
    for (const bad of ['evil.example:4141', 'localhost', '127.0.0.1:80', undefined])
      expect(checkHost(bad, loop)?.status, String(bad)).toBe(421);
    const lan = allowedHosts('192.168.1.5', 4141);
    expect(checkHost('192.168.1.5:4141', lan)).toBeUndefined();
    expect(checkHost('192.168.1.5:4141', loop)?.status).toBe(421);
  });

  it("Host on a wildcard bind: the machine's own addresses pass, names other than localhost do not", () => {
    const any = allowedHosts('0.0.0.0', 4141, () => ['127.0.0.1', '10.1.2.3', 'fd00::2']);
    for (const ok of ['10.1.2.3:4141', '[fd00::2]:4141', 'localhost:4141'])
      expect(checkHost(ok, any), ok).toBeUndefined();
    for (const bad of ['0.0.0.0:4141', 'evil.example:4141', '10.1.2.4:4141', '10.1.2.3:4142'])
      expect(checkHost(bad, any)?.status, bad).toBe(421);
    expect(
      checkHost(
        '[fd00::2]:4141',
        allowedHosts('::', 4141, () => ['fd00::2']),
      ),
    ).toBeUndefined();
  });

  it('Host on port 80: clients leave the port out, so the bare names pass too', () => {
    const web = allowedHosts('127.0.0.1', 80);
    for (const ok of ['127.0.0.1', 'localhost', '127.0.0.1:80']) expect(checkHost(ok, web), ok).toBeUndefined();
    expect(checkHost('evil.example', web)?.status).toBe(421);
  });

  it('Origin: absent passes, configured passes, any other is 403', () => {
    expect(checkOrigin(undefined, [])).toBeUndefined();
    expect(checkOrigin('http://localhost:5173', ['http://localhost:5173'])).toBeUndefined();
    expect(checkOrigin('https://evil.example', ['http://localhost:5173'])?.status).toBe(403);
    expect(checkOrigin('null', [])?.status).toBe(403);
  });

  it('token: Bearer or x-api-key, compared whole; the message never echoes it', () => {
    const token = 'a'.repeat(64);
    expect(presentedToken({ authorization: `Bearer ${token}` })).toBe(token);
    expect(presentedToken({ 'x-api-key': token })).toBe(token);
    expect(presentedToken({ authorization: 'Basic xyz' })).toBeUndefined();
    expect(checkToken(token, token)).toBeUndefined();
    const wrong = checkToken(`${token}b`, token);
    expect(wrong?.status).toBe(401);
    expect(wrong?.message).not.toContain(token);
    expect(checkToken(undefined, token)?.message).toContain('conduit serve --show-token');
  });
});
