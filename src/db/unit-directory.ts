import type { PrismaClient } from './generated/prisma/client.js';
import type { UnitKind } from './generated/prisma/enums.js';

export interface UnitRef {
  id: string;
  hsaId: string;
  kind: UnitKind;
  organizationId: string;
  active: boolean;
}

const TTL_MS = 30_000;

/**
 * Unit look-ups by HSA-ID for every authenticated request (the acting commission names a
 * unit by HSA-ID). Units change rarely, so a short per-process cache saves a statement per
 * request; a deactivated unit stops working within TTL_MS.
 */
export class UnitDirectory {
  private cache = new Map<string, { unit: UnitRef | null; at: number }>();

  constructor(private readonly prisma: PrismaClient) {}

  async byHsaId(hsaId: string): Promise<UnitRef | null> {
    const hit = this.cache.get(hsaId);
    if (hit && Date.now() - hit.at < TTL_MS) return hit.unit;
    const unit = await this.prisma.unit.findUnique({
      where: { hsaId },
      select: { id: true, hsaId: true, kind: true, organizationId: true, active: true },
    });
    this.cache.set(hsaId, { unit, at: Date.now() });
    return unit;
  }

  async byIds(ids: string[]): Promise<Map<string, UnitRef>> {
    const rows = await this.prisma.unit.findMany({
      where: { id: { in: ids } },
      select: { id: true, hsaId: true, kind: true, organizationId: true, active: true },
    });
    return new Map(rows.map((u) => [u.id, u]));
  }
}
