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

/** n timed requests per side, in ms, by side name. */
export async function interleave(n: number, sides: Side[]): Promise<Record<string, number[]>> {
  const out: Record<string, number[]> = Object.fromEntries(sides.map((s) => [s.name, [] as number[]]));
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < sides.length; k++) {
      const side = sides[(i + k) % sides.length]!;
      const t = performance.now();
      await side.run();
      out[side.name]!.push(performance.now() - t);
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
