import { execFile } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** A key and certificate, as files (for the producer's configuration) and as PEM. */
export interface Issued {
  keyFile: string;
  certFile: string;
  key: string;
  cert: string;
  /** SHA-256 fingerprint, upper-case hex without separators (the pinning format). */
  fingerprint: string;
}

/**
 * The certificates of a mutual-TLS test, made with openssl as src/identity/certificates.ts
 * makes the SP's: a CA standing in for the one that issues the platform's function
 * certificates (SITHS / Inera), our server certificate for 127.0.0.1, the platform's
 * client certificate, another client certificate of the same CA (not pinned), and a
 * self-signed stranger.
 */
export interface TestPki {
  dir: string;
  ca: Issued;
  server: Issued;
  platform: Issued;
  sameCaOther: Issued;
  stranger: Issued;
  remove(): Promise<void>;
}

async function issued(dir: string, name: string): Promise<Issued> {
  const keyFile = join(dir, `${name}.key`);
  const certFile = join(dir, `${name}.pem`);
  const cert = await readFile(certFile, 'utf8');
  return {
    keyFile,
    certFile,
    key: await readFile(keyFile, 'utf8'),
    cert,
    fingerprint: new X509Certificate(cert).fingerprint256.replaceAll(':', ''),
  };
}

export async function makeTestPki(): Promise<TestPki> {
  const dir = await mkdtemp(join(tmpdir(), 'brygga-mtls-'));
  const path = (file: string) => join(dir, file);
  const selfSigned = (name: string, subject: string, extra: string[] = []) =>
    run('openssl', [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-keyout',
      path(`${name}.key`),
      '-out',
      path(`${name}.pem`),
      '-days',
      '2',
      '-subj',
      subject,
      ...extra,
    ]);
  const signedByCa = async (name: string, subject: string, extensions: string) => {
    await run('openssl', [
      'req',
      '-new',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-keyout',
      path(`${name}.key`),
      '-out',
      path(`${name}.csr`),
      '-subj',
      subject,
    ]);
    await writeFile(path(`${name}.ext`), extensions);
    await run('openssl', [
      'x509',
      '-req',
      '-in',
      path(`${name}.csr`),
      '-CA',
      path('ca.pem'),
      '-CAkey',
      path('ca.key'),
      '-CAcreateserial',
      '-out',
      path(`${name}.pem`),
      '-days',
      '2',
      '-sha256',
      '-extfile',
      path(`${name}.ext`),
    ]);
  };
  await selfSigned('ca', '/CN=Test function-certificate CA', [
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
  ]);
  await signedByCa(
    'server',
    '/CN=brygga.test',
    'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n',
  );
  await signedByCa(
    'platform',
    '/O=Inera AB/CN=SE5565594230-B8N tjansteplattform',
    'extendedKeyUsage=clientAuth\n',
  );
  await signedByCa('other', '/CN=SE2321000016-OTHER', 'extendedKeyUsage=clientAuth\n');
  await selfSigned('stranger', '/CN=stranger');
  return {
    dir,
    ca: await issued(dir, 'ca'),
    server: await issued(dir, 'server'),
    platform: await issued(dir, 'platform'),
    sameCaOther: await issued(dir, 'other'),
    stranger: await issued(dir, 'stranger'),
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}
