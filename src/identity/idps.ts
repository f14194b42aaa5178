import { z } from 'zod';
import type { PrismaClient } from '../db/client.js';
import type { IdentityProvider } from '../db/generated/prisma/client.js';
import { metadataRefreshFailures } from '../metrics/registry.js';
import { parseCertificate, toPem } from './certificates.js';
import type { IdentityEvents } from './events.js';
import {
  type IdpMetadata,
  MAX_METADATA_BYTES,
  MetadataError,
  parseIdpMetadata,
} from './saml/metadata.js';

/**
 * The IdPs of the federation, as identity admins manage them: create, update, disable,
 * import metadata (file or URL), and the scheduled metadata refresh. Every input is
 * validated before anything is written; every change is an identity event.
 */

const url = z.url({ protocol: /^https?$/ }).max(2048);
const certificate = z.string().superRefine((value, ctx) => {
  try {
    parseCertificate(value);
  } catch {
    ctx.addIssue({ code: 'custom', message: 'not a valid X.509 certificate (PEM)' });
  }
});

export const idpInputSchema = z.object({
  slug: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]{1,39}$/, 'lowercase letters, digits and hyphens, 2-40 characters'),
  displayName: z.string().trim().min(1).max(200),
  entityId: z.string().trim().min(1).max(1024),
  ssoUrl: url,
  sloUrl: url.nullable().optional(),
  signingCertificates: z.array(certificate).min(1, 'at least one pinned signing certificate'),
  requiredLoa: z.number().int().min(1).max(4).default(3),
  clockSkewSeconds: z.number().int().min(0).max(300).default(60),
  idpInitiatedAllowed: z.boolean().default(false),
  requireSignedResponse: z.boolean().default(true),
  ruleSetId: z.uuid(),
  metadataUrl: url.nullable().optional(),
  metadataSigningCertificates: z.array(certificate).default([]),
  metadataRefreshSeconds: z
    .number()
    .int()
    .min(300)
    .max(30 * 86400)
    .default(86400),
});
export type IdpInput = z.input<typeof idpInputSchema>;
export const idpPatchSchema = idpInputSchema.partial().extend({ enabled: z.boolean().optional() });
export type IdpPatch = z.input<typeof idpPatchSchema>;

export class IdpInputError extends Error {
  constructor(readonly problems: { path: string; message: string }[]) {
    super(problems.map((p) => `${p.path}: ${p.message}`).join('; '));
  }
}

export class UnknownIdpError extends Error {
  constructor(readonly idp: string) {
    super(`no identity provider ${idp}`);
  }
}

function parse<T extends z.ZodType>(schema: T, input: unknown): z.infer<T> {
  const parsed = schema.safeParse(input);
  if (!parsed.success) {
    throw new IdpInputError(
      parsed.error.issues.map((i) => ({ path: i.path.join('.') || '(root)', message: i.message })),
    );
  }
  return parsed.data;
}

export interface MetadataFetchPolicy {
  /** Allows http:// metadata URLs on loopback (tests, local federations). https always works. */
  allowHttpLoopback: boolean;
  timeoutMs: number;
}

export class IdentityProviders {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly events: IdentityEvents,
    private readonly now: () => Date,
    private readonly fetchPolicy: MetadataFetchPolicy,
  ) {}

  /** The enabled IdPs a person can sign in with, by name (the start page's buttons). */
  async signInChoices(): Promise<{ slug: string; displayName: string; sloUrl: string | null }[]> {
    return this.prisma.identityProvider.findMany({
      where: { enabled: true },
      select: { slug: true, displayName: true, sloUrl: true },
      orderBy: { displayName: 'asc' },
    });
  }

  async bySlug(slug: string): Promise<IdentityProvider | null> {
    if (!/^[a-z0-9][a-z0-9-]{1,39}$/.test(slug)) return null;
    return this.prisma.identityProvider.findUnique({ where: { slug } });
  }

  async require(idOrSlug: string): Promise<IdentityProvider> {
    const idp = /^[0-9a-f-]{36}$/.test(idOrSlug)
      ? await this.prisma.identityProvider.findUnique({ where: { id: idOrSlug } })
      : await this.bySlug(idOrSlug);
    if (!idp) throw new UnknownIdpError(idOrSlug);
    return idp;
  }

  async create(input: IdpInput, actor: string): Promise<IdentityProvider> {
    const data = parse(idpInputSchema, input);
    const now = this.now();
    return this.prisma.$transaction(async (tx) => {
      const idp = await tx.identityProvider.create({
        data: {
          ...data,
          sloUrl: data.sloUrl ?? null,
          metadataUrl: data.metadataUrl ?? null,
          signingCertificates: data.signingCertificates.map(toPem),
          metadataSigningCertificates: data.metadataSigningCertificates.map(toPem),
          createdAt: now,
          updatedAt: now,
        },
      });
      await this.events.record(
        { type: 'IDP_CREATED', outcome: 'SUCCESS', idpId: idp.id, actor, details: describe(idp) },
        tx,
      );
      return idp;
    });
  }

  async update(idOrSlug: string, patch: IdpPatch, actor: string): Promise<IdentityProvider> {
    const data = parse(idpPatchSchema, patch);
    const existing = await this.require(idOrSlug);
    const now = this.now();
    return this.prisma.$transaction(async (tx) => {
      const idp = await tx.identityProvider.update({
        where: { id: existing.id },
        data: {
          ...data,
          ...(data.signingCertificates
            ? { signingCertificates: data.signingCertificates.map(toPem) }
            : {}),
          ...(data.metadataSigningCertificates
            ? { metadataSigningCertificates: data.metadataSigningCertificates.map(toPem) }
            : {}),
          updatedAt: now,
        },
      });
      const type = data.enabled === false ? 'IDP_DISABLED' : 'IDP_UPDATED';
      await this.events.record(
        {
          type,
          outcome: 'SUCCESS',
          idpId: idp.id,
          actor,
          details: { changed: Object.keys(data), after: describe(idp) },
        },
        tx,
      );
      return idp;
    });
  }

  async disable(idOrSlug: string, actor: string): Promise<IdentityProvider> {
    return this.update(idOrSlug, { enabled: false }, actor);
  }

  /**
   * Imports metadata for an existing IdP (certificate rollover, new endpoints) or creates
   * a new IdP from it. Nothing is written unless the metadata validates.
   */
  async importMetadata(
    input: {
      xml?: string;
      url?: string;
      existing?: string;
      create?: Omit<IdpInput, 'entityId' | 'ssoUrl' | 'sloUrl' | 'signingCertificates'>;
      entityId?: string;
    },
    actor: string,
  ): Promise<IdentityProvider> {
    if ((input.xml === undefined) === (input.url === undefined)) {
      throw new MetadataError('give either the metadata document or its URL');
    }
    const existing = input.existing ? await this.require(input.existing) : null;
    const trustedSigners =
      existing?.metadataSigningCertificates ?? input.create?.metadataSigningCertificates ?? [];
    const xml = input.xml ?? (await this.fetchMetadata(input.url!));
    const metadata = parseIdpMetadata(xml, {
      trustedSigners: trustedSigners.map(toPem),
      entityId: existing?.entityId ?? input.entityId,
      now: this.now(),
    });
    if (existing) return this.applyMetadata(existing, metadata, actor, input.url ?? null);
    if (!input.create)
      throw new MetadataError('name an existing IdP or give the settings for a new one');
    const idp = await this.create(
      {
        ...input.create,
        entityId: metadata.entityId,
        ssoUrl: metadata.ssoUrl,
        sloUrl: metadata.sloUrl,
        signingCertificates: metadata.signingCertificates,
        metadataUrl: input.url ?? input.create.metadataUrl ?? null,
      },
      actor,
    );
    return this.applyMetadata(idp, metadata, actor, input.url ?? null);
  }

  private async applyMetadata(
    idp: IdentityProvider,
    metadata: IdpMetadata,
    actor: string,
    sourceUrl: string | null,
  ) {
    const now = this.now();
    return this.prisma.$transaction(async (tx) => {
      const updated = await tx.identityProvider.update({
        where: { id: idp.id },
        data: {
          ssoUrl: metadata.ssoUrl,
          sloUrl: metadata.sloUrl,
          signingCertificates: metadata.signingCertificates,
          metadataValidUntil: metadata.validUntil,
          metadataRefreshedAt: now,
          metadataRefreshClaimedUntil: null,
          ...(sourceUrl ? { metadataUrl: sourceUrl } : {}),
          updatedAt: now,
        },
      });
      await this.events.record(
        {
          type: 'METADATA_IMPORTED',
          outcome: 'SUCCESS',
          idpId: idp.id,
          actor,
          details: {
            source: sourceUrl ?? 'document',
            certificates: metadata.signingCertificates.map(
              (c) => parseCertificate(c).fingerprint256,
            ),
            previousCertificates: idp.signingCertificates.map(
              (c) => parseCertificate(c).fingerprint256,
            ),
            validUntil: metadata.validUntil,
          },
        },
        tx,
      );
      return updated;
    });
  }

  async fetchMetadata(location: string): Promise<string> {
    let parsed: URL;
    try {
      parsed = new URL(location);
    } catch {
      throw new MetadataError('the metadata URL is not a URL');
    }
    const loopback = ['127.0.0.1', 'localhost', '[::1]'].includes(parsed.hostname);
    if (
      parsed.protocol !== 'https:' &&
      !(parsed.protocol === 'http:' && loopback && this.fetchPolicy.allowHttpLoopback)
    ) {
      throw new MetadataError('metadata is fetched over https only');
    }
    const response = await fetch(parsed, {
      redirect: 'error',
      signal: AbortSignal.timeout(this.fetchPolicy.timeoutMs),
    }).catch((error: unknown) => {
      throw new MetadataError(`the metadata could not be fetched: ${(error as Error).message}`);
    });
    if (!response.ok) throw new MetadataError(`the metadata URL answered ${response.status}`);
    const length = Number(response.headers.get('content-length') ?? '0');
    if (length > MAX_METADATA_BYTES) throw new MetadataError('metadata is larger than 5 MB');
    const text = await response.text();
    if (text.length > MAX_METADATA_BYTES) throw new MetadataError('metadata is larger than 5 MB');
    return text;
  }

  /**
   * The scheduled refresh, safe with many API processes: each due IdP is claimed with a
   * row lock (FOR UPDATE SKIP LOCKED) and a claim time, so exactly one process refreshes
   * it; a failed refresh keeps the current certificates and is audited. Run it from the
   * scheduler (`npx tsx scripts/federation.ts maintain`) or from any process on a timer.
   */
  async refreshDueMetadata(): Promise<{
    refreshed: string[];
    failed: { slug: string; reason: string }[];
  }> {
    const now = this.now();
    const claimUntil = new Date(now.getTime() + 5 * 60_000);
    const claimed = await this.prisma.$queryRaw<
      { id: string; slug: string; metadata_url: string }[]
    >`
      UPDATE identity_provider SET metadata_refresh_claimed_until = ${claimUntil}
      WHERE id IN (
        SELECT id FROM identity_provider
        WHERE enabled AND metadata_url IS NOT NULL
          AND (metadata_refreshed_at IS NULL
               OR metadata_refreshed_at + make_interval(secs => metadata_refresh_seconds) <= ${now})
          AND (metadata_refresh_claimed_until IS NULL OR metadata_refresh_claimed_until < ${now})
        FOR UPDATE SKIP LOCKED)
      RETURNING id, slug, metadata_url`;
    const refreshed: string[] = [];
    const failed: { slug: string; reason: string }[] = [];
    for (const row of claimed) {
      try {
        await this.importMetadata({ url: row.metadata_url, existing: row.id }, 'scheduler');
        refreshed.push(row.slug);
      } catch (error) {
        const reason = (error as Error).message;
        failed.push({ slug: row.slug, reason });
        metadataRefreshFailures.inc({ idp: row.slug });
        await this.events.record({
          type: 'METADATA_REFRESH_FAILED',
          outcome: 'FAILURE',
          idpId: row.id,
          actor: 'scheduler',
          reason,
        });
      }
    }
    return { refreshed, failed };
  }
}

function describe(idp: IdentityProvider) {
  return {
    slug: idp.slug,
    entityId: idp.entityId,
    ssoUrl: idp.ssoUrl,
    sloUrl: idp.sloUrl,
    requiredLoa: idp.requiredLoa,
    clockSkewSeconds: idp.clockSkewSeconds,
    idpInitiatedAllowed: idp.idpInitiatedAllowed,
    requireSignedResponse: idp.requireSignedResponse,
    enabled: idp.enabled,
    ruleSetId: idp.ruleSetId,
    certificates: idp.signingCertificates.map((c) => parseCertificate(c).fingerprint256),
  };
}
