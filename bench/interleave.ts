/**
 * The runner every side-by-side figure uses: one request at a time, the order of the sides
 * rotated on every round (direct, a, b, c; then a, b, c, direct; ...), so no side always follows
 * another and a burst of noise on a shared machine hits every side alike.
 */
export interface Side {
  name: string;
  run: () => Promise<unknown>;
}

export async function warmUp(sides: Side[], rounds: number): Promise<void> {
  for (let i = 0; i < rounds; i++) for (const side of sides) await side.run();
}

/**
 * n timed requests per side, in ms, by side name. With `clientCpuUs`, each side's own CPU time in
 * this process (its client: an SDK and its fetch, or a DaemonClient) is summed there, in µs: at
 * concurrency 1 nothing else runs here during a request.
 */
export async function interleave(
  n: number,
  sides: Side[],
  clientCpuUs?: Record<string, number>,
): Promise<Record<string, number[]>> {
  const out: Record<string, number[]> = Object.fromEntries(sides.map((s) => [s.name, [] as number[]]));
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < sides.length; k++) {
      const side = sides[(i + k) % sides.length]!;
      const cpu = clientCpuUs ? process.cpuUsage() : undefined;
      const t = performance.now();
      await side.run();
      out[side.name]!.push(performance.now() - t);
      if (cpu) {
        const used = process.cpuUsage(cpu);
        clientCpuUs![side.name] = (clientCpuUs![side.name] ?? 0) + used.user + used.system;
      }
    }
  }
  return out;
}

/**
 * The same under concurrency: each round sends `concurrency` requests at once through one side,
 * the sides taking turns in a rotated order, so every side meets the same machine; ms by side.
 */
export async function interleaveConcurrent(
  rounds: number,
  concurrency: number,
  sides: Side[],
): Promise<Record<string, number[]>> {
  const out: Record<string, number[]> = Object.fromEntries(sides.map((s) => [s.name, [] as number[]]));
  const timed = async (side: Side) => {
    const t = performance.now();
    await side.run();
    out[side.name]!.push(performance.now() - t);
  };
  for (let i = 0; i < rounds; i++) {
    for (let k = 0; k < sides.length; k++) {
      const side = sides[(i + k) % sides.length]!;
      await Promise.all(Array.from({ length: concurrency }, () => timed(side)));
    }
  }
  return out;
}
