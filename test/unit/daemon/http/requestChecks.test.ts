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
