import { execFile } from 'node:child_process';
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

/** PEM certificates: normalising, parsing, and self-signed pairs from the openssl CLI. */

const run = promisify(execFile);

/** A certificate as PEM with the standard header, from PEM or bare base64 (metadata). */
export function toPem(certificate: string): string {
  const body = certificate
    .replace(/-----BEGIN CERTIFICATE-----|-----END CERTIFICATE-----/g, '')
    .replace(/\s+/g, '');
  const lines = body.match(/.{1,64}/g) ?? [];
  return `-----BEGIN CERTIFICATE-----\n${lines.join('\n')}\n-----END CERTIFICATE-----\n`;
}

/** Parses a certificate, or throws a clear error. */
export function parseCertificate(certificate: string): X509Certificate {
  try {
    return new X509Certificate(toPem(certificate));
  } catch (error) {
    throw new Error('not a valid X.509 certificate', { cause: error });
  }
}

/** The base64 body of a PEM certificate (what metadata's ds:X509Certificate holds). */
export function certificateBody(certificate: string): string {
  return toPem(certificate)
    .replace(/-----BEGIN CERTIFICATE-----|-----END CERTIFICATE-----/g, '')
    .replace(/\s+/g, '');
}

export function assertKeyMatchesCertificate(privateKeyPem: string, certificatePem: string): void {
  const cert = parseCertificate(certificatePem);
  const key = createPrivateKey(privateKeyPem);
  if (!cert.checkPrivateKey(key))
    throw new Error('the private key does not belong to the certificate');
}

/** A self-signed RSA certificate and its key, for SP keys and test IdPs. */
export async function generateSelfSignedCertificate(
  commonName: string,
  options: { days?: number; digest?: 'sha256' | 'sha1' } = {},
): Promise<{ privateKeyPem: string; certificatePem: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'brygga-cert-'));
  try {
    const keyPath = join(dir, 'key.pem');
    const certPath = join(dir, 'cert.pem');
    await run('openssl', [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      keyPath,
      '-out',
      certPath,
      '-days',
      String(options.days ?? 365),
      `-${options.digest ?? 'sha256'}`,
      '-subj',
      `/CN=${commonName.replace(/[/=]/g, '-')}`,
    ]);
    return {
      privateKeyPem: await readFile(keyPath, 'utf8'),
      certificatePem: await readFile(certPath, 'utf8'),
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
