import * as fs from 'node:fs';

/**
 * A text file the CLI or daemon reads (config, JSON lines), as written on any platform: UTF-8
 * with or without the byte-order mark Windows editors add, lines ending in LF or CRLF.
 */
export function readTextFile(file: string | number): string {
  return stripBom(fs.readFileSync(file, 'utf8'));
}

export function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** Lines without their LF or CRLF endings. */
export function splitLines(text: string): string[] {
  return text.split(/\r?\n/);
}
