/**
 * The fake's token count for a prompt, close to what the real tokenizers give: about four
 * characters of ASCII a token, and a token for every other character (a Japanese character is
 * about one token in every provider's tokenizer). The real APIs refuse by their own count, so
 * the fake refuses by this one; Conduit must never rely on it, only stay under it.
 */
export function promptTokens(body: unknown): number {
  let ascii = 0;
  let other = 0;
  const walk = (v: unknown): void => {
    if (typeof v === 'string') {
      // Base64 image data (bare, or OpenAI's data URLs) is not text; providers count images apart.
      if (v.startsWith('data:') || (v.length > 512 && /^[A-Za-z0-9+/=]+$/.test(v))) return;
      for (const ch of v) {
        if (ch.charCodeAt(0) < 128) ascii++;
        else other++;
      }
    } else if (Array.isArray(v)) v.forEach(walk);
    else if (typeof v === 'object' && v !== null) Object.values(v).forEach(walk);
  };
  walk(body);
  return Math.ceil(ascii / 4) + other;
}
