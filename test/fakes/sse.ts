/** One server-sent event, before framing. A comment-only event is how servers keep a line warm. */
export interface SseEvent {
  event?: string;
  data?: string;
  comment?: string;
}

/** Frames an event with the given line ending; the blank line that ends it uses the same one. */
export function frameSse(ev: SseEvent, eol: '\n' | '\r\n'): string {
  const lines: string[] = [];
  if (ev.comment !== undefined) lines.push(`: ${ev.comment}`);
  if (ev.event !== undefined) lines.push(`event: ${ev.event}`);
  if (ev.data !== undefined) for (const line of ev.data.split('\n')) lines.push(`data: ${line}`);
  return lines.join(eol) + eol + eol;
}

/** Cuts a recorded SSE body into its events (each keeps its own terminating blank line). */
export function splitSseBody(body: string): string[] {
  const events: string[] = [];
  const re = /\r\n\r\n|\n\n|\r\r/g;
  let start = 0;
  for (let m = re.exec(body); m !== null; m = re.exec(body)) {
    events.push(body.slice(start, m.index + m[0].length));
    start = m.index + m[0].length;
  }
  if (start < body.length) events.push(body.slice(start));
  return events;
}
