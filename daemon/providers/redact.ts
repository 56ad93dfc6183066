/**
 * Removes the API key from text that is about to leave the adapter. SDK messages do not normally
 * carry it, but a proxy's error page or an echoed header could, and error messages get logged.
 */
export function redactSecret(text: string, secret: string | undefined): string {
  if (!secret || secret.length < 4) return text;
  return text.split(secret).join('[redacted]');
}
