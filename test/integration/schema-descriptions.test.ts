import { describe, expect, it } from 'vitest';
import { schema } from '../../src/graphql/schema.js';
import { undescribed } from '../../src/graphql/undescribed.js';

/**
 * Issue 20: every type, field, argument and enum value is described for front-end teams.
 * Any element without a description fails here, named as `type T`, `field T.f`,
 * `arg T.f(a)` or `enum E.V`, so the failure says what to describe.
 */
describe('schema descriptions', () => {
  it('describes every type, field, argument and enum value', () => {
    expect(undescribed(schema)).toEqual([]);
  });
});
