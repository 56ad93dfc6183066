import * as v8 from 'node:v8';
import { Worker } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { workersOwnYoungGeneration } from '../../../../daemon/usage/workerHeaps';

/** The heap limit, in MB, of a worker that asks for a 1 MB young and a 16 MB old generation. */
function workerHeapLimitMb(): Promise<number> {
  const worker = new Worker(
    "require('node:worker_threads').parentPort.postMessage(require('node:v8').getHeapStatistics().heap_size_limit)",
    { eval: true, resourceLimits: { maxYoungGenerationSizeMb: 1, maxOldGenerationSizeMb: 16 } },
  );
  return new Promise((resolve, reject) => {
    worker.once('message', (limit: number) => resolve(limit / 2 ** 20));
    worker.once('error', reject);
  });
}

afterEach(() => {
  v8.setFlagsFromString('--max-semi-space-size=0');
});

describe('workersOwnYoungGeneration', () => {
  it("lets workers' resourceLimits size their heaps under the daemon's --max-semi-space-size, until restored", async () => {
    v8.setFlagsFromString('--max-semi-space-size=4');
    // The flag wins over the worker's limits: 4 MB semi-spaces, 28 MB in all.
    expect(await workerHeapLimitMb()).toBeGreaterThan(24);
    const restore = workersOwnYoungGeneration('4');
    expect(await workerHeapLimitMb()).toBeLessThan(22);
    // Set back once the workers run: later isolates (the SQLite thread waking) get the flag again.
    restore();
    expect(await workerHeapLimitMb()).toBeGreaterThan(24);
  });
});
