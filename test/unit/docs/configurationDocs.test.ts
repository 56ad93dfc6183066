import * as fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import pkg from '../../../package.json';
import { configurationDocsPath, renderConfigurationDocs } from '../../../scripts/configDocs.mjs';

describe('docs/configuration.md', () => {
  const written = fs.readFileSync(configurationDocsPath, 'utf8');

  it('is what `npm run docs:config` renders from package.json now', () => {
    expect(written, 'run `npm run docs:config` and commit docs/configuration.md').toBe(renderConfigurationDocs(pkg));
  });

  it('has a section for every setting in the schema', () => {
    const names = Object.keys(pkg.contributes.configuration.properties);
    expect(names.length).toBeGreaterThan(20);
    for (const name of names) expect(written, name).toContain(`\n## ${name}\n`);
  });
});
