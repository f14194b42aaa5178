import type { ClientError, GraphQLClient } from 'graphql-request';

/** What `node(id:)` answered: the object (null when none), the error codes, the raw answer. */
export interface NodeAnswer {
  node: Record<string, unknown> | null;
  codes: string[];
  raw: string;
}

/**
 * `node(id:)` over HTTP with a selection (`__typename id` and the fragments given), the
 * errors kept as codes instead of thrown, to compare with what a list answers the same
 * client.
 */
export async function loadNode(
  client: GraphQLClient,
  fragments: string,
  id: string,
): Promise<NodeAnswer> {
  const query = `query ($id: ID!) { node(id: $id) { __typename id ${fragments} } }`;
  try {
    const { data } = await client.rawRequest<{ node: Record<string, unknown> | null }>(query, {
      id,
    });
    return { node: data.node, codes: [], raw: JSON.stringify(data) };
  } catch (error) {
    // graphql-request throws ClientError (by shape: rawRequest's may come from another copy).
    const response = (error as Partial<ClientError>).response;
    if (!response) throw error;
    const data = response.data as { node?: Record<string, unknown> | null } | undefined;
    return {
      node: data?.node ?? null,
      codes: (response.errors ?? []).map((e) => String(e.extensions?.code)),
      raw: JSON.stringify(response),
    };
  }
}
