/**
 * A link from the answer page, if it may be offered for opening: an absolute http(s) URL with a
 * host and no credentials in it. Anything else (javascript:, command:, file:, vscode:, data:, a
 * relative path) is refused. Pure.
 */
export function checkedWebLink(href: string): URL | undefined {
  let url: URL;
  try {
    url = new URL(href.trim());
  } catch {
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  if (!url.hostname || url.username || url.password) return undefined;
  return url;
}
