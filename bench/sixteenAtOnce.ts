/**
 * Sends `count` requests 16 at a time (the concurrency), each made by a call of `send`,
 * and resolves when all are answered.
 */
export async function sixteenAtOnce(count: number, send: () => Promise<unknown>): Promise<void> {
  let left = count;
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (left-- > 0) await send();
    }),
  );
}
