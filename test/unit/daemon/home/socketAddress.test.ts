import { describe, expect, it } from 'vitest';
import { socketAddress } from '../../../../daemon/home/socketAddress';

describe.skipIf(process.platform === 'win32')('socketAddress', () => {
  it('puts the socket in the run directory when the path fits', () => {
    expect(socketAddress('/tmp/h/run', 't'.repeat(64))).toEqual({ path: '/tmp/h/run/daemon.sock', dir: '/tmp/h/run' });
  });

  it('moves to a private temp directory when the path would overflow sun_path', () => {
    const long = '/tmp/' + 'x'.repeat(120) + '/run';
    const a = socketAddress(long, 't');
    expect(Buffer.byteLength(a.path)).toBeLessThanOrEqual(100);
    expect(a.dir).not.toBe(long);
    // Stable for one home, distinct for another.
    expect(socketAddress(long, 't')).toEqual(a);
    expect(socketAddress(long + '2', 't').path).not.toBe(a.path);
  });
});
