import { describe, expect, it } from 'vitest';
import { paramsProblem } from '../../../../daemon/server/paramSchemas';

describe('paramsProblem', () => {
  it('names the field and what to do, the same on every call (each schema is built on first use)', () => {
    const expected =
      'jobs/list: states: Invalid input: expected array, received string. ' +
      'The request was not run; fix the params and send it again.';
    expect(paramsProblem('jobs/list', { states: 'queued' })).toBe(expected);
    expect(paramsProblem('jobs/list', { states: 'queued' })).toBe(expected);
    expect(paramsProblem('jobs/list', { states: ['queued'], limit: 5 })).toBeUndefined();
  });

  it('checks the schemas that share parts (ids, times, filters) each on their own', () => {
    expect(paramsProblem('jobs/get', {})).toMatch(/^jobs\/get: id: /);
    expect(paramsProblem('batch/status', { id: '' })).toMatch(/^batch\/status: id: /);
    expect(paramsProblem('usage/query', { since: 'yesterday' })).toMatch(/^usage\/query: since: /);
    expect(paramsProblem('team/usage', { since: 1, until: Number.POSITIVE_INFINITY })).toMatch(/^team\/usage: until: /);
    expect(paramsProblem('usage/metrics', { filters: 3 })).toMatch(/^usage\/metrics: filters: /);
    expect(paramsProblem('daemon/ping', undefined)).toBeUndefined();
  });

  it('passes methods it has no schema for, including names that are Object properties', () => {
    expect(paramsProblem('no/such', { x: 1 })).toBeUndefined();
    expect(paramsProblem('toString', 5)).toBeUndefined();
    expect(paramsProblem('__proto__', 5)).toBeUndefined();
  });
});
