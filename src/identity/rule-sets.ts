import type { PrismaClient } from '../db/client.js';
import type { IdentityEvents } from './events.js';
import {
  defaultSubjectRule,
  parseRuleSetDefinition,
  type RuleSetDefinition,
} from './mapping/rules.js';

/**
 * Mapping rule sets, versioned: every change is a new version (append-only) and the set's
 * current_version moves to it. Logins read the current version each time, so a change
 * applies to the next login and the next token refresh. Every version written from now on
 * states its subject rule (mapping/rules.ts `defaultSubjectRule` for a new set).
 */
export class RuleSets {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly events: IdentityEvents,
    private readonly now: () => Date,
  ) {}

  async create(input: { name: string; definition: unknown; comment?: string }, actor: string) {
    const parsed = parseRuleSetDefinition(input.definition);
    const definition: RuleSetDefinition = {
      ...parsed,
      subject: parsed.subject ?? defaultSubjectRule(parsed),
    };
    const now = this.now();
    return this.prisma.$transaction(async (tx) => {
      const set = await tx.identityMappingRuleSet.create({
        data: { name: input.name, currentVersion: 1, createdAt: now, updatedAt: now },
      });
      await tx.identityMappingRuleSetVersion.create({
        data: {
          ruleSetId: set.id,
          version: 1,
          definition: definition as object,
          comment: input.comment ?? '',
          createdBy: actor,
          createdAt: now,
        },
      });
      await this.events.record(
        {
          type: 'MAPPING_CHANGED',
          outcome: 'SUCCESS',
          actor,
          details: { ruleSetId: set.id, name: set.name, version: 1, comment: input.comment ?? '' },
        },
        tx,
      );
      return set;
    });
  }

  /**
   * Stores a new version. `expectedVersion` guards against two admins overwriting each
   * other: the update fails when someone else saved in between.
   */
  async update(
    input: { ruleSetId: string; definition: unknown; comment?: string; expectedVersion?: number },
    actor: string,
  ) {
    const parsed = parseRuleSetDefinition(input.definition);
    const now = this.now();
    return this.prisma.$transaction(async (tx) => {
      const [locked] = await tx.$queryRaw<{ current_version: number }[]>`
        SELECT current_version FROM identity_mapping_rule_set WHERE id = ${input.ruleSetId}::uuid FOR UPDATE`;
      if (!locked) throw new RuleSetNotFoundError(input.ruleSetId);
      if (input.expectedVersion !== undefined && input.expectedVersion !== locked.current_version) {
        throw new StaleRuleSetError(locked.current_version);
      }
      const version = locked.current_version + 1;
      // A version that leaves `subject` out keeps the current one: an edit of the role
      // rules must not switch the NameID check off by omission.
      const current = parsed.subject
        ? null
        : await tx.identityMappingRuleSetVersion.findUniqueOrThrow({
            where: {
              ruleSetId_version: {
                ruleSetId: input.ruleSetId,
                version: locked.current_version,
              },
            },
          });
      const subject = parsed.subject ?? parseRuleSetDefinition(current!.definition).subject;
      const definition: RuleSetDefinition = subject ? { ...parsed, subject } : parsed;
      await tx.identityMappingRuleSetVersion.create({
        data: {
          ruleSetId: input.ruleSetId,
          version,
          definition: definition as object,
          comment: input.comment ?? '',
          createdBy: actor,
          createdAt: now,
        },
      });
      const set = await tx.identityMappingRuleSet.update({
        where: { id: input.ruleSetId },
        data: { currentVersion: version, updatedAt: now },
      });
      await this.events.record(
        {
          type: 'MAPPING_CHANGED',
          outcome: 'SUCCESS',
          actor,
          details: { ruleSetId: set.id, name: set.name, version, comment: input.comment ?? '' },
        },
        tx,
      );
      return set;
    });
  }

  async current(ruleSetId: string): Promise<{ version: number; definition: RuleSetDefinition }> {
    const set = await this.prisma.identityMappingRuleSet.findUnique({ where: { id: ruleSetId } });
    if (!set) throw new RuleSetNotFoundError(ruleSetId);
    const row = await this.prisma.identityMappingRuleSetVersion.findUnique({
      where: { ruleSetId_version: { ruleSetId, version: set.currentVersion } },
    });
    if (!row) throw new RuleSetNotFoundError(ruleSetId);
    return { version: row.version, definition: parseRuleSetDefinition(row.definition) };
  }

  async findByName(name: string) {
    return this.prisma.identityMappingRuleSet.findUnique({ where: { name } });
  }
}

export class RuleSetNotFoundError extends Error {
  constructor(readonly ruleSetId: string) {
    super(`mapping rule set ${ruleSetId} does not exist`);
  }
}

export class StaleRuleSetError extends Error {
  constructor(readonly currentVersion: number) {
    super(`the rule set was changed by someone else; it is now at version ${currentVersion}`);
  }
}
