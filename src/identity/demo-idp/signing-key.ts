import type { PrismaClient } from '../../db/client.js';
import { generateSelfSignedCertificate } from '../certificates.js';
import type { KeyBox } from '../key-box.js';

/**
 * The demo IdP's key pair. It lives in identity_signing_key (purpose DEMO_IDP), encrypted
 * like our SP and token keys, in the same database as the IdP registration that pins its
 * certificate: the two survive restarts together and go together when the database is
 * reset, so the pinned certificate always matches the key. Several API processes may start
 * at once: the first insert wins (the kid is unique) and everyone uses the stored pair.
 */

const KID = 'demo-idp';
/** Ten years: a demo database outlives a one-year certificate. */
const CERTIFICATE_DAYS = 3650;

export interface DemoIdpKey {
  privateKeyPem: string;
  certificatePem: string;
}

export async function demoIdpKey(
  prisma: PrismaClient,
  box: KeyBox,
  now: Date,
): Promise<DemoIdpKey> {
  const stored = await prisma.identitySigningKey.findUnique({ where: { kid: KID } });
  if (stored)
    return { privateKeyPem: box.open(stored.privateKey, KID), certificatePem: stored.publicKey };
  const pair = await generateSelfSignedCertificate('Brygga demo IdP', { days: CERTIFICATE_DAYS });
  await prisma.identitySigningKey.createMany({
    data: [
      {
        kid: KID,
        purpose: 'DEMO_IDP',
        algorithm: 'RS256',
        publicKey: pair.certificatePem,
        privateKey: box.seal(pair.privateKeyPem, KID),
        activatesAt: now,
      },
    ],
    skipDuplicates: true,
  });
  const winner = await prisma.identitySigningKey.findUniqueOrThrow({ where: { kid: KID } });
  return { privateKeyPem: box.open(winner.privateKey, KID), certificatePem: winner.publicKey };
}
