/**
 * The Prisma query Pothos planned for a field, made one Prisma accepts. When a client
 * selects nothing of an object but `__typename` (a mutation's answer read only for its
 * kind, `{ placeLegalHold { __typename } }`), the plan is `select: {}`, which Prisma
 * refuses ("The select statement must not be empty"): a client's legitimate request would
 * answer INTERNAL_SERVER_ERROR. Every model has an `id`; selecting it costs nothing.
 */
export function selecting<Query extends object>(query: Query): Query {
  const { select } = query as { select?: object };
  if (select && Object.keys(select).length === 0) return { ...query, select: { id: true } };
  return query;
}
