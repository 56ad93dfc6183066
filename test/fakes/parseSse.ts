/** A plain SSE reader for tests that talk to the fake with fetch, without any SDK in between. */
export interface ParsedSseEvent {
  event: string | null;
  data: string;
}

export function parseSse(body: string): ParsedSseEvent[] {
  const events: ParsedSseEvent[] = [];
  for (const block of body.split(/\r\n\r\n|\n\n/)) {
    let event: string | null = null;
    const data: string[] = [];
    for (const line of block.split(/\r\n|\n/)) {
      if (line.startsWith('event:')) event = line.slice(6).trim();
      else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
    }
    if (event !== null || data.length > 0) events.push({ event, data: data.join('\n') });
  }
  return events;
}

/** The JSON payloads of the events, skipping OpenAI's `[DONE]`. */
export function sseJson(body: string): unknown[] {
  return parseSse(body)
    .filter((e) => e.data !== '' && e.data !== '[DONE]')
    .map((e) => JSON.parse(e.data) as unknown);
}
