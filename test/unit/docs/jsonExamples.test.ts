import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { configSchema } from '../../../daemon/config/config';
import pkg from '../../../package.json';

const root = path.join(__dirname, '..', '..', '..');
const files = [
  'README.md',
  ...fs
    .readdirSync(path.join(root, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
];
const settings = pkg.contributes.configuration.properties as Record<string, unknown>;

interface Example {
  file: string;
  line: number;
  text: string;
}

function jsonExamples(): Example[] {
  const out: Example[] = [];
  for (const file of files) {
    const text = fs.readFileSync(path.join(root, file), 'utf8');
    for (const m of text.matchAll(/```json\n([\s\S]*?)```/g)) {
      out.push({ file, line: text.slice(0, m.index).split('\n').length, text: m[1]! });
    }
  }
  return out;
}

/** Each setting's own JSON schema, as VS Code checks a value against it. */
const settingSchemas = new Map(
  Object.entries(settings).map(([name, schema]) => [name, z.fromJSONSchema(schema as z.core.JSONSchema.JSONSchema)]),
);

describe('JSON examples in README.md and docs/', () => {
  const examples = jsonExamples();

  it('finds the examples', () => {
    expect(examples.some((e) => e.file === 'README.md')).toBe(true);
    expect(examples.length).toBeGreaterThan(5);
  });

  it.each(examples.map((e) => [`${e.file}:${e.line}`, e] as const))(
    '%s is complete JSON: VS Code settings or a config.json',
    (_, e) => {
      const value = JSON.parse(e.text) as unknown;
      expect(value, 'an example is a whole JSON object, not a fragment').toBeTypeOf('object');
      const entries = Object.entries(value as Record<string, unknown>);
      if (entries.some(([key]) => key.startsWith('conduit.'))) {
        // VS Code settings: every key a setting, every value valid for it.
        for (const [key, setting] of entries) {
          const schema = settingSchemas.get(key);
          expect(schema, `${key} is not a setting in package.json`).toBeDefined();
          const parsed = schema!.safeParse(setting);
          expect(parsed.success, `${key}: ${parsed.error?.message}`).toBe(true);
        }
      } else {
        const parsed = configSchema.safeParse(value);
        expect(parsed.success, parsed.error?.message).toBe(true);
      }
    },
  );

  it('would catch a setting example that breaks the schema', () => {
    const budgets = settingSchemas.get('conduit.budgets')!;
    expect(budgets.safeParse({ dailyUsd: 5 }).success).toBe(true);
    expect(budgets.safeParse({ daily: 5 }).success).toBe(false);
    expect(settingSchemas.get('conduit.provider')!.safeParse('openia').success).toBe(false);
    expect(configSchema.safeParse({ cache: { enabled: true } }).success).toBe(true);
    expect(configSchema.safeParse({ cache: { enabeld: true } }).success).toBe(false);
  });
});
