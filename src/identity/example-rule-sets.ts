import { readFile } from 'node:fs/promises';
import { parseRuleSetDefinition, type RuleSetDefinition } from './mapping/rules.js';

/**
 * The example mapping rule sets in docs/federation (explained in docs/federation/README.md):
 * `inera` for the Inera IdP with SITHS (HSA attributes, commission rights, LoA attribute),
 * `municipality` for a municipality's own IdP with its own attribute names. The demo IdP
 * maps with `inera`; `npm run federation -- bootstrap --rules NAME` starts from one.
 */
export const EXAMPLE_RULE_SETS = {
  inera: 'inera-siths.json',
  municipality: 'municipality-own-idp.json',
} as const;
export type ExampleRuleSetName = keyof typeof EXAMPLE_RULE_SETS;

export function isExampleRuleSetName(name: string): name is ExampleRuleSetName {
  return Object.hasOwn(EXAMPLE_RULE_SETS, name);
}

const DIRECTORY = new URL('../../docs/federation/', import.meta.url);

/** Reads and validates an example; an invalid file is an InvalidRuleSetError. */
export async function loadExampleRuleSet(name: ExampleRuleSetName): Promise<RuleSetDefinition> {
  const text = await readFile(new URL(EXAMPLE_RULE_SETS[name], DIRECTORY), 'utf8');
  return parseRuleSetDefinition(JSON.parse(text));
}
