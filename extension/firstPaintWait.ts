/**
 * How long a new usage panel waits for its first snapshot before it sets the page's HTML without
 * it. Read in time, the snapshot's cards are in the HTML, so the first frame shows the figures;
 * a daemon that is starting, slow or down costs at most this much before the page opens as it
 * always did (the skeleton, then the snapshot message).
 */
export const FIRST_HTML_WAIT_MS = 200;

/** `value`'s result if it settles before `deadline` does; a failure counts as no result. */
export function within<T>(value: Promise<T>, deadline: Promise<void>): Promise<T | undefined> {
  return Promise.race([value.catch(() => undefined), deadline.then(() => undefined)]);
}

/** A timer as a promise, cancelled once the race is decided so it keeps nothing alive. */
export function deadline(ms: number): { done: Promise<void>; cancel: () => void } {
  let timer: NodeJS.Timeout | undefined;
  const done = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ms);
  });
  return { done, cancel: () => clearTimeout(timer) };
}
