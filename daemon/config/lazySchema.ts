/**
 * A schema built on its first use and kept. Building zod schemas at module load was about a
 * quarter of the daemon's start (issue #23), and a request's schema is not needed until one comes.
 */
export function lazySchema<T>(build: () => T): () => T {
  let built: { value: T } | undefined;
  return () => (built ??= { value: build() }).value;
}
