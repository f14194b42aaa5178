import type { PrismaClient } from '../db/client.js';
import type { DeadlineRules } from '../domain/deadlines/rules.js';

const TTL_MS = 30_000;

/**
 * The versions of the deadline numbers (table `deadline_rule`), read for every inbox and
 * every case's deadlines. Versions are only ever added, by a reviewed migration or a
 * regional decision, so a short per-process cache saves a statement per request; a new
 * version is seen within TTL_MS.
 */
export class DeadlineRuleBook {
  private cached: { versions: DeadlineRules[]; at: number } | null = null;
  private loading: Promise<DeadlineRules[]> | null = null;

  constructor(private readonly prisma: PrismaClient) {}

  async versions(): Promise<DeadlineRules[]> {
    if (this.cached && Date.now() - this.cached.at < TTL_MS) return this.cached.versions;
    this.loading ??= this.prisma.deadlineRule
      .findMany({ orderBy: [{ validFrom: 'asc' }] })
      .then((rows) => {
        this.cached = { versions: rows, at: Date.now() };
        return rows;
      })
      .finally(() => {
        this.loading = null;
      });
    return this.loading;
  }
}
