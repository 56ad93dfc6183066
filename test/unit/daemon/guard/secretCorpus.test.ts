import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { findSecrets, redactSecrets } from '../../../../daemon/guard/secretScanner';

interface Snippet {
  name: string;
  text: string;
  kinds: string[];
}

const dir = path.resolve(__dirname, '../../../fixtures/secrets');
const load = (file: string) => JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')) as Snippet[];
const secrets = load('secrets.json');
const lookalikes = load('lookalikes.json');

describe('the secret scanner against the corpus', () => {
  it('has at least 30 secrets and 30 lookalikes', () => {
    expect(secrets.length).toBeGreaterThanOrEqual(30);
    expect(lookalikes.length).toBeGreaterThanOrEqual(30);
  });

  it.each(secrets.map((s) => [s.name, s] as const))('finds every secret: %s', (_name, s) => {
    const kinds = findSecrets(s.text).map((f) => f.kind);
    expect(kinds).toEqual(s.kinds);
    // The redacted text keeps none of the secret's distinctive characters.
    const { text } = redactSecrets(s.text);
    expect(text).not.toMatch(/FAKE[A-Za-z0-9]{4}|fakefake|hunter2|correct-horse/);
  });

  it('redacts at most 2 lookalikes (100 % recall must not cost precision)', () => {
    const flagged = lookalikes.filter((s) => findSecrets(s.text).length > 0);
    expect(flagged.length, `flagged: ${flagged.map((s) => s.name).join(', ')}`).toBeLessThanOrEqual(2);
  });
});
