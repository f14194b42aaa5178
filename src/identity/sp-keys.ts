import { randomUUID } from 'node:crypto';
import type { PrismaClient } from '../db/client.js';
import {
  assertKeyMatchesCertificate,
  generateSelfSignedCertificate,
  toPem,
} from './certificates.js';
import type { IdentityEvents } from './events.js';
import type { KeyBox } from './key-box.js';

/**
 * Our SAML SP keys (RSA, signing AuthnRequests and LogoutRequests). The newest activated
 * key signs; every key not retired is in our SP metadata, so IdPs learn the next
 * certificate before we sign with it.
 */

export interface SpKey {
  kid: string;
  privateKeyPem: string;
  certificatePem: string;
  activatesAt: Date;
  retiresAt: Date | null;
}

export interface SpKeySet {
  signing: SpKey;
  published: SpKey[];
}

export class SpKeyStore {
  private cache: { at: number; keys: SpKey[] } | null = null;

  constructor(
    private readonly prisma: PrismaClient,
    private readonly box: KeyBox,
    private readonly events: IdentityEvents,
    private readonly cacheSeconds = 10,
  ) {}

  async current(now: Date): Promise<SpKeySet> {
    const age = this.cache ? now.getTime() - this.cache.at : -1;
    if (!this.cache || age < 0 || age > this.cacheSeconds * 1000) {
      const rows = await this.prisma.identitySigningKey.findMany({
        where: { purpose: 'SAML_SP', OR: [{ retiresAt: null }, { retiresAt: { gt: now } }] },
        orderBy: { activatesAt: 'asc' },
      });
      this.cache = {
        at: now.getTime(),
        keys: rows.map((row) => ({
          kid: row.kid,
          privateKeyPem: this.box.open(row.privateKey, row.kid),
          certificatePem: row.publicKey,
          activatesAt: row.activatesAt,
          retiresAt: row.retiresAt,
        })),
      };
    }
    const published = this.cache.keys;
    const signing = published
      .filter((k) => k.activatesAt <= now)
      .sort((a, b) => b.activatesAt.getTime() - a.activatesAt.getTime())[0];
    if (!signing)
      throw new Error('no active SAML SP key: run `scripts/federation.ts sp-key generate`');
    return { signing, published };
  }

  /** Adds a key pair (from the organisation's PKI, or generated); validated first. */
  async add(
    input: { privateKeyPem: string; certificatePem: string; activatesAt: Date },
    now: Date,
    actor: string,
  ): Promise<string> {
    assertKeyMatchesCertificate(input.privateKeyPem, input.certificatePem);
    const kid = `sp-${input.activatesAt.toISOString().slice(0, 10)}-${randomUUID().slice(0, 8)}`;
    await this.prisma.$transaction(async (tx) => {
      await tx.identitySigningKey.create({
        data: {
          kid,
          purpose: 'SAML_SP',
          algorithm: 'RS256',
          publicKey: toPem(input.certificatePem),
          privateKey: this.box.seal(input.privateKeyPem, kid),
          activatesAt: input.activatesAt,
          createdAt: now,
        },
      });
      await this.events.record(
        {
          type: 'KEY_CREATED',
          outcome: 'SUCCESS',
          actor,
          details: { kid, purpose: 'SAML_SP', activatesAt: input.activatesAt },
        },
        tx,
      );
    });
    this.cache = null;
    return kid;
  }

  async generate(activatesAt: Date, now: Date, actor: string, commonName: string): Promise<string> {
    const pair = await generateSelfSignedCertificate(commonName, { days: 730 });
    return this.add({ ...pair, activatesAt }, now, actor);
  }

  /** Stops publishing a key (after IdPs have the successor). */
  async retire(kid: string, retiresAt: Date, actor: string): Promise<void> {
    await this.prisma.$transaction(async (tx) => {
      const updated = await tx.identitySigningKey.updateMany({
        where: { kid, purpose: 'SAML_SP', retiresAt: null, activatesAt: { lt: retiresAt } },
        data: { retiresAt },
      });
      if (updated.count !== 1)
        throw new Error(`no SP key ${kid} that can retire at ${retiresAt.toISOString()}`);
      await this.events.record(
        { type: 'KEY_RETIRED', outcome: 'SUCCESS', actor, details: { kid, retiresAt } },
        tx,
      );
    });
    this.cache = null;
  }

  async ensureOne(now: Date, commonName: string): Promise<void> {
    const count = await this.prisma.identitySigningKey.count({
      where: { purpose: 'SAML_SP', OR: [{ retiresAt: null }, { retiresAt: { gt: now } }] },
    });
    if (count === 0) await this.generate(now, now, 'system', commonName);
  }
}
