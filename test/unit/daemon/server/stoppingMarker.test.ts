import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  clearStopping,
  markStopping,
  STOPPING_FILE,
  waitForExit,
  waitForPredecessor,
} from '../../../../daemon/server/stoppingMarker';

describe('stopping marker', () => {
  let home: string;
  beforeEach(() => {
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'conduit-stopping-'));
  });
  afterEach(() => fs.rmSync(home, { recursive: true, force: true }));

  it('does not wait when no daemon is stopping, or when the marker is our own', async () => {
    expect(await waitForPredecessor(home, { alive: () => true })).toEqual({ waited: false, gaveUp: false });
    markStopping(home);
    expect(await waitForPredecessor(home, { alive: () => true })).toEqual({ waited: false, gaveUp: false });
  });

  it('waits while the stopping daemon lives and its marker is there, then goes on', async () => {
    markStopping(home, 4242);
    let pauses = 0;
    const seen: number[] = [];
    const r = await waitForPredecessor(home, {
      alive: (pid) => pid === 4242,
      onWait: (pid) => seen.push(pid),
      pause: async () => {
        // The predecessor finishes its writes during the third pause.
        if (++pauses === 3) clearStopping(home, 4242);
      },
    });
    expect(r).toEqual({ waited: true, gaveUp: false });
    expect(pauses).toBe(3);
    expect(seen).toEqual([4242]);
  });

  it('does not wait for a daemon that crashed while stopping, and removes its marker', async () => {
    markStopping(home, 4242);
    const r = await waitForPredecessor(home, { alive: () => false, pause: () => Promise.reject(new Error('waited')) });
    expect(r).toEqual({ waited: false, gaveUp: false });
    expect(fs.existsSync(path.join(home, STOPPING_FILE))).toBe(false);
  });

  it('gives up on a predecessor that never finishes, after the bounded number of checks', async () => {
    markStopping(home, 4242);
    let pauses = 0;
    const r = await waitForPredecessor(home, { alive: () => true, maxChecks: 5, pause: async () => void pauses++ });
    expect(r).toEqual({ waited: true, gaveUp: true });
    expect(pauses).toBe(5);
  });

  it("a stop clears only its own marker, never a later daemon's", () => {
    markStopping(home, 4242);
    clearStopping(home, 999);
    expect(fs.readFileSync(path.join(home, STOPPING_FILE), 'utf8')).toBe('4242');
    clearStopping(home, 4242);
    expect(fs.existsSync(path.join(home, STOPPING_FILE))).toBe(false);
  });

  it('treats a damaged marker as no marker', async () => {
    fs.writeFileSync(path.join(home, STOPPING_FILE), 'not a pid');
    expect(await waitForPredecessor(home, { alive: () => true })).toEqual({ waited: false, gaveUp: false });
  });

  it('waitForExit: true once the process is gone, false when it outlives the bound', async () => {
    let checks = 0;
    expect(await waitForExit(7, { alive: () => ++checks < 4, pause: async () => undefined })).toBe(true);
    expect(checks).toBe(4);
    expect(await waitForExit(7, { alive: () => true, pause: async () => undefined, maxChecks: 3 })).toBe(false);
  });
});
