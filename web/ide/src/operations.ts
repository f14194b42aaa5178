import {
  type DefinitionNode,
  type FragmentDefinitionNode,
  Kind,
  type OperationDefinitionNode,
  parse,
  print,
  visit,
} from 'graphql';
import audit from '../../../test/operations/audit.graphql?raw';
import fragments from '../../../test/operations/fragments.graphql?raw';
import inbox from '../../../test/operations/inbox.graphql?raw';
import invoicing from '../../../test/operations/invoicing.graphql?raw';
import queries from '../../../test/operations/queries.graphql?raw';
import retention from '../../../test/operations/retention.graphql?raw';

/**
 * The operations our integration tests run (test/operations), so the IDE's examples are
 * documents that are known to work against the current schema and cannot go stale.
 */
const definitions: readonly DefinitionNode[] = [
  audit,
  fragments,
  inbox,
  invoicing,
  queries,
  retention,
]
  .map((source) => parse(source))
  .flatMap((document) => document.definitions);

const operations = new Map<string, OperationDefinitionNode>();
const fragmentsByName = new Map<string, FragmentDefinitionNode>();
for (const definition of definitions) {
  if (definition.kind === Kind.OPERATION_DEFINITION && definition.name)
    operations.set(definition.name.value, definition);
  if (definition.kind === Kind.FRAGMENT_DEFINITION)
    fragmentsByName.set(definition.name.value, definition);
}

/** The named operation with every fragment it spreads (transitively), as one document. */
export function operationDocument(name: string): string {
  const operation = operations.get(name);
  if (!operation) throw new Error(`No operation named ${name} in test/operations`);
  const needed: FragmentDefinitionNode[] = [];
  const seen = new Set<string>();
  const collect = (node: DefinitionNode) => {
    visit(node, {
      FragmentSpread(spread) {
        const fragmentName = spread.name.value;
        if (seen.has(fragmentName)) return;
        seen.add(fragmentName);
        const fragment = fragmentsByName.get(fragmentName);
        if (!fragment) throw new Error(`Fragment ${fragmentName} is not defined`);
        needed.push(fragment);
        collect(fragment);
      },
    });
  };
  collect(operation);
  return [operation, ...needed].map((definition) => print(definition)).join('\n\n');
}
