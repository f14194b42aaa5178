import type { Commission } from '../authz/principal.js';
import type { PrismaClient } from '../db/client.js';

/**
 * A commission's care provider as Brygga's directory has it (units and organizations
 * tables), never as the assertion says. A unit belongs to an organization (a region, a
 * municipality, or a Stockholm district whose parent is the city); the care provider
 * (vårdgivare) is the top of that chain, the one the access log names.
 */

export interface UnitCareProvider {
  unitHsaId: string;
  /** The top of the chain: the region or municipality. */
  careProviderHsaId: string;
  /** The unit's organization and every organization above it, nearest first. */
  organizationHsaIds: string[];
}

export interface CareProviderDirectory {
  /** The units Brygga knows, by HSA-ID; an unknown unit has no entry. */
  forUnits(unitHsaIds: readonly string[]): Promise<Map<string, UnitCareProvider>>;
}

/** Organizations nest a few levels at most; the bound stops a cycle from looping. */
const MAX_DEPTH = 8;

export class DatabaseCareProviderDirectory implements CareProviderDirectory {
  constructor(private readonly prisma: PrismaClient) {}

  async forUnits(unitHsaIds: readonly string[]): Promise<Map<string, UnitCareProvider>> {
    const wanted = [...new Set(unitHsaIds)];
    if (wanted.length === 0) return new Map();
    const rows = await this.prisma.$queryRaw<{ unit_hsa_id: string; organizations: string[] }[]>`
      WITH RECURSIVE chain AS (
        SELECT u.hsa_id::text AS unit_hsa_id, o.hsa_id::text AS hsa_id, o.parent_id, 0 AS depth
        FROM unit u JOIN organization o ON o.id = u.organization_id
        WHERE u.hsa_id = ANY(${wanted}::text[])
        UNION ALL
        SELECT c.unit_hsa_id, p.hsa_id::text, p.parent_id, c.depth + 1
        FROM chain c JOIN organization p ON p.id = c.parent_id
        WHERE c.depth < ${MAX_DEPTH}
      )
      SELECT unit_hsa_id, array_agg(hsa_id ORDER BY depth) AS organizations
      FROM chain GROUP BY unit_hsa_id`;
    return new Map(
      rows.map((r) => [
        r.unit_hsa_id,
        {
          unitHsaId: r.unit_hsa_id,
          careProviderHsaId: r.organizations.at(-1)!,
          organizationHsaIds: r.organizations,
        },
      ]),
    );
  }
}

export interface ProviderCheck {
  /** The commissions with the directory's care provider wherever the unit is known. */
  commissions: Commission[];
  /** Commissions whose named care provider is not their unit's, in plain words. */
  mismatches: string[];
}

/**
 * Checks each commission's care provider against the directory. The assertion may name the
 * unit's own organization or any above it (a district or its city); the principal gets the
 * top of the chain. A unit the directory does not know keeps the assertion's value: such a
 * commission gets no actor in the API (src/http/graphql-server.ts), so it reads no patient
 * data and no access-log row names it.
 */
export function checkCommissionProviders(
  commissions: readonly Commission[],
  directory: ReadonlyMap<string, UnitCareProvider>,
): ProviderCheck {
  const mismatches: string[] = [];
  const checked = commissions.map((commission) => {
    const known = directory.get(commission.unitHsaId);
    if (!known) return commission;
    if (!known.organizationHsaIds.includes(commission.providerHsaId)) {
      mismatches.push(
        `unit ${commission.unitHsaId} belongs to ${known.careProviderHsaId} in the directory, the assertion names ${commission.providerHsaId}`,
      );
    }
    return { ...commission, providerHsaId: known.careProviderHsaId };
  });
  return { commissions: checked, mismatches };
}
