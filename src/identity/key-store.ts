import {
  createLocalJWKSet,
  exportJWK,
  generateKeyPair,
  importJWK,
  type JSONWebKeySet,
  type JWK,
} from 'jose';
import type { PrismaClient } from '../db/client.js';
import type { IdentityEvents } from './events.js';
import type { KeyBox } from './key-box.js';

/**
 * Where token signing keys live. The signing key is the newest key whose `activatesAt` has
 * passed; every key not yet retired is published, so a new key is in the JWKS before it
 * signs anything and an old one stays until the tokens it signed have expired.
 */
export interface SigningKey {
  kid: string;
  algorithm: 'ES256';
  privateKey: CryptoKey;
  publicJwk: JWK;
  activatesAt: Date;
  retiresAt: Date | null;
}

export interface KeyStore {
  /** Brings the in-process view up to date when it may be stale (cheap otherwise). */
  refresh(now: Date): Promise<void>;
  activeSigningKey(now: Date): Promise<SigningKey>;
  /** A key set for jose's verifier: every published key. */
  verificationKeySet(): ReturnType<typeof createLocalJWKSet>;
  publicJwks(now: Date): JSONWebKeySet;
}

export async function generateSigningKey(
  activatesAt: Date,
): Promise<SigningKey & { privateJwk: JWK }> {
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  const publicJwk = await exportJWK(publicKey);
  const privateJwk = await exportJWK(privateKey);
  const kid = `es256-${activatesAt.toISOString().slice(0, 19).replaceAll(':', '')}-${crypto.randomUUID().slice(0, 8)}`;
  return {
    kid,
    algorithm: 'ES256',
    privateKey: privateKey as CryptoKey,
    publicJwk: { ...publicJwk, kid, alg: 'ES256', use: 'sig' },
    privateJwk,
    activatesAt,
    retiresAt: null,
  };
}

function pickActive(keys: SigningKey[], now: Date): SigningKey {
  const usable = keys
    .filter((k) => k.activatesAt <= now && (k.retiresAt === null || k.retiresAt > now))
    .sort((a, b) => b.activatesAt.getTime() - a.activatesAt.getTime());
  const key = usable[0];
  if (!key) throw new Error('no active token signing key');
  return key;
}

function published(keys: SigningKey[], now: Date): SigningKey[] {
  return keys.filter((k) => k.retiresAt === null || k.retiresAt > now);
}

/**
 * Where a token signing key is in its life, as `pickActive` and `published` see it at `now`:
 * PUBLISHED (in the JWKS, not signing yet: within the publish lead), SIGNING (the key new
 * tokens get), VERIFYING (superseded: still in the JWKS until the tokens it signed have
 * expired), RETIRED (out of the JWKS and the verifier).
 */
export type SigningKeyState = 'PUBLISHED' | 'SIGNING' | 'VERIFYING' | 'RETIRED';

/** A signing key as an identity admin sees it: its times, never its private part. */
export interface SigningKeyInfo {
  kid: string;
  algorithm: string;
  state: SigningKeyState;
  createdAt: Date;
  activatesAt: Date;
  retiresAt: Date | null;
}

type KeyTimes = { kid: string; activatesAt: Date; retiresAt: Date | null };

export function signingKeyStates<K extends KeyTimes>(
  keys: readonly K[],
  now: Date,
): (K & { state: SigningKeyState })[] {
  const live = keys.filter((k) => k.retiresAt === null || k.retiresAt > now);
  const signing = live
    .filter((k) => k.activatesAt <= now)
    .sort((a, b) => b.activatesAt.getTime() - a.activatesAt.getTime())[0];
  return keys.map((k) => ({
    ...k,
    state: !live.includes(k)
      ? 'RETIRED'
      : k.activatesAt > now
        ? 'PUBLISHED'
        : k === signing
          ? 'SIGNING'
          : 'VERIFYING',
  }));
}

export interface RotationSettings {
  /** A new key is created when the newest is older than this. */
  rotationSeconds: number;
  /** How long a new key is published before it signs (longer than any JWKS cache). */
  publishLeadSeconds: number;
  /** How long a superseded key stays published: the access-token lifetime plus tolerance. */
  retireAfterSeconds: number;
  /** How long this process trusts its copy of the key table. */
  cacheSeconds: number;
}

/** Transaction-scoped advisory lock shared by every Brygga process that rotates keys. */
const ROTATION_LOCK = 7_300_412_031;

/**
 * Token signing keys in identity_signing_key, shared by all API processes. Each process
 * keeps a copy for `cacheSeconds`; a new key is published `publishLeadSeconds` before it
 * signs, so every process and every JWKS consumer knows it first. Retired keys drop out of
 * the JWKS and the verifier once the tokens they signed have expired.
 */
export class DatabaseKeyStore implements KeyStore {
  private keys: SigningKey[] = [];
  private jwks: ReturnType<typeof createLocalJWKSet> = createLocalJWKSet({ keys: [] });
  private loadedAt = -Infinity;
  private loading: Promise<void> | null = null;

  constructor(
    private readonly prisma: PrismaClient,
    private readonly box: KeyBox,
    private readonly events: IdentityEvents,
    private readonly settings: RotationSettings,
  ) {}

  async refresh(now: Date): Promise<void> {
    const age = now.getTime() - this.loadedAt;
    if (age >= 0 && age < this.settings.cacheSeconds * 1000) return;
    this.loading ??= this.load(now).finally(() => {
      this.loading = null;
    });
    await this.loading;
  }

  /** Forgets the cached copy (after this process rotated keys). */
  invalidate(): void {
    this.loadedAt = -Infinity;
  }

  private async load(now: Date): Promise<void> {
    const rows = await this.prisma.identitySigningKey.findMany({
      where: { purpose: 'ACCESS_TOKEN', OR: [{ retiresAt: null }, { retiresAt: { gt: now } }] },
      orderBy: { activatesAt: 'asc' },
    });
    const keys = await Promise.all(
      rows.map(async (row): Promise<SigningKey> => {
        const privateJwk = JSON.parse(this.box.open(row.privateKey, row.kid)) as JWK;
        return {
          kid: row.kid,
          algorithm: 'ES256',
          privateKey: (await importJWK(privateJwk, 'ES256')) as CryptoKey,
          publicJwk: JSON.parse(row.publicKey) as JWK,
          activatesAt: row.activatesAt,
          retiresAt: row.retiresAt,
        };
      }),
    );
    this.keys = keys;
    this.jwks = createLocalJWKSet({ keys: keys.map((k) => k.publicJwk) });
    this.loadedAt = now.getTime();
  }

  async activeSigningKey(now: Date): Promise<SigningKey> {
    await this.refresh(now);
    return pickActive(this.keys, now);
  }

  verificationKeySet() {
    return this.jwks;
  }

  publicJwks(now: Date): JSONWebKeySet {
    return { keys: published(this.keys, now).map((k) => k.publicJwk) };
  }

  /** The access-token signing keys, newest first (at most `limit`), with their state at `now`. */
  async list(now: Date, limit = 100): Promise<SigningKeyInfo[]> {
    const rows = await this.prisma.identitySigningKey.findMany({
      where: { purpose: 'ACCESS_TOKEN' },
      orderBy: [{ activatesAt: 'desc' }, { kid: 'desc' }],
      take: limit,
      select: { kid: true, algorithm: true, createdAt: true, activatesAt: true, retiresAt: true },
    });
    return signingKeyStates(rows, now);
  }

  /**
   * The scheduled key maintenance (`npx tsx scripts/federation.ts keys maintain`, and at
   * start): creates a first key that signs at once when there is none; otherwise, when the
   * newest key is older than the rotation period, publishes a successor that starts signing
   * after the publish lead, and schedules the predecessor's retirement for when its last
   * token has expired. Safe to run from several processes at once.
   */
  async maintain(now: Date, actor = 'system'): Promise<{ created: string | null }> {
    const created = await this.prisma.$transaction(async (tx) => {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(${ROTATION_LOCK})`;
      const live = await tx.identitySigningKey.findMany({
        where: { purpose: 'ACCESS_TOKEN', OR: [{ retiresAt: null }, { retiresAt: { gt: now } }] },
        orderBy: { activatesAt: 'desc' },
      });
      const newest = live[0];
      if (newest && newest.activatesAt > now) return null;
      if (
        newest &&
        now.getTime() - newest.activatesAt.getTime() < this.settings.rotationSeconds * 1000
      ) {
        return null;
      }
      const activatesAt = newest
        ? new Date(now.getTime() + this.settings.publishLeadSeconds * 1000)
        : now;
      return this.insertKey(tx as unknown as PrismaClient, activatesAt, now, live, actor);
    });
    this.invalidate();
    return { created };
  }

  /** Rotates now regardless of age (an identity admin's decision, e.g. after an incident). */
  async rotate(now: Date, actor: string): Promise<string> {
    const kid = await this.prisma.$transaction(async (tx) => {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(${ROTATION_LOCK})`;
      const live = await tx.identitySigningKey.findMany({
        where: { purpose: 'ACCESS_TOKEN', OR: [{ retiresAt: null }, { retiresAt: { gt: now } }] },
      });
      const activatesAt =
        live.length === 0 ? now : new Date(now.getTime() + this.settings.publishLeadSeconds * 1000);
      return this.insertKey(tx as unknown as PrismaClient, activatesAt, now, live, actor);
    });
    this.invalidate();
    return kid;
  }

  private async insertKey(
    tx: PrismaClient,
    activatesAt: Date,
    now: Date,
    live: { kid: string; retiresAt: Date | null }[],
    actor: string,
  ): Promise<string> {
    const key = await generateSigningKey(activatesAt);
    await tx.identitySigningKey.create({
      data: {
        kid: key.kid,
        purpose: 'ACCESS_TOKEN',
        algorithm: key.algorithm,
        publicKey: JSON.stringify(key.publicJwk),
        privateKey: this.box.seal(JSON.stringify(key.privateJwk), key.kid),
        activatesAt,
        createdAt: now,
      },
    });
    const retiresAt = new Date(activatesAt.getTime() + this.settings.retireAfterSeconds * 1000);
    const superseded = live.filter((k) => k.retiresAt === null).map((k) => k.kid);
    if (superseded.length > 0) {
      await tx.identitySigningKey.updateMany({
        where: { kid: { in: superseded } },
        data: { retiresAt },
      });
    }
    await this.events.record(
      {
        type: 'KEY_CREATED',
        outcome: 'SUCCESS',
        actor,
        details: {
          kid: key.kid,
          purpose: 'ACCESS_TOKEN',
          activatesAt,
          supersedes: superseded,
          supersededRetireAt: retiresAt,
        },
      },
      tx,
    );
    return key.kid;
  }
}
