import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { routingSchema } from '../../../daemon/router/routingSettings';
import { teamSchema } from '../../../daemon/team/teamSettings';
import { budgetSchema } from '../../../daemon/usage/budgetSettings';
import { BRIDGED_SETTINGS } from '../../../extension/settingsBridge';
import { PER_WINDOW_SETTINGS } from '../../../extension/settingsScope';
import pkg from '../../../package.json';

type Schema = Record<string, unknown>;
const settings = pkg.contributes.configuration.properties as Record<string, Schema>;

/** What the zod schema and the hand-kept one must share: the shape and the constraints, not the prose. */
function shape(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(shape);
  if (!schema || typeof schema !== 'object') return schema;
  const out: Schema = {};
  for (const [k, v] of Object.entries(schema)) {
    if (
      [
        '$schema',
        'propertyNames',
        'description',
        'markdownDescription',
        'enumDescriptions',
        'scope',
        'default',
        'order',
      ].includes(k)
    )
      continue;
    if (k === 'maximum' && v === Number.MAX_SAFE_INTEGER) continue;
    out[k] = shape(v);
  }
  return out;
}

describe('contributes.configuration', () => {
  it('gives every setting a scope', () => {
    for (const [name, schema] of Object.entries(settings)) expect(schema.scope, name).toBeDefined();
  });

  it('lets a workspace set only what a window applies itself; the daemon settings are user (or machine) level', () => {
    for (const key of BRIDGED_SETTINGS) {
      const scope = settings[`conduit.${key}`]?.scope;
      if (PER_WINDOW_SETTINGS.includes(key)) expect(scope, key).toBe('window');
      else expect(['application', 'machine'], key).toContain(scope);
    }
  });

  it('describes every value of every enum', () => {
    const enums: [string, Schema][] = [];
    const walk = (path: string, node: unknown): void => {
      if (!node || typeof node !== 'object') return;
      const s = node as Schema;
      if (Array.isArray(s.enum)) enums.push([path, s]);
      for (const [k, v] of Object.entries(s)) if (typeof v === 'object') walk(`${path}.${k}`, v);
    };
    for (const [name, schema] of Object.entries(settings)) walk(name, schema);
    expect(enums.length).toBeGreaterThan(0);
    for (const [path, s] of enums)
      expect((s.enumDescriptions as unknown[] | undefined)?.length, path).toBe((s.enum as unknown[]).length);
  });

  it('gives the object settings the daemon schema of the part that reads them', () => {
    const cases: [string, z.ZodType][] = [
      ['conduit.routing', routingSchema],
      ['conduit.budgets', budgetSchema],
      ['conduit.team.budgets', teamSchema.shape.budgets],
    ];
    for (const [name, schema] of cases) {
      expect(shape(settings[name]), name).toEqual(shape(z.toJSONSchema(schema, { io: 'input' })));
    }
  });

  it('gives every object setting a schema for its fields', () => {
    for (const [name, schema] of Object.entries(settings)) {
      if (schema.type !== 'object') continue;
      expect(schema.properties ?? schema.additionalProperties, name).toBeDefined();
    }
  });
});
