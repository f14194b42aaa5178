import { spawn } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { keepOutputOf } from '../log-capture.js';
import type { SignedResponse } from './samlify-idp.js';
import type { TestUser } from './users.js';

/**
 * pysaml2 (Debian's python3-pysaml2, signing with xmlsec1) as a second, independent IdP,
 * driven through test/support/idp/pysaml2_idp.py. `npm test` installs it (scripts/test-prerequisites.sh).
 */

const SCRIPT = new URL('./pysaml2_idp.py', import.meta.url).pathname;
/** Debian's interpreter, where python3-pysaml2 is installed (not a pyenv shim). */
const PYTHON = process.env.PYSAML2_PYTHON ?? '/usr/bin/python3';

export class Pysaml2Idp {
  private files: Promise<{ certFile: string; keyFile: string }>;

  constructor(
    readonly entityId: string,
    readonly ssoUrl: string,
    readonly certificatePem: string,
    privateKeyPem: string,
  ) {
    this.files = (async () => {
      const dir = await mkdtemp(join(tmpdir(), 'brygga-pysaml2-'));
      const certFile = join(dir, 'cert.pem');
      const keyFile = join(dir, 'key.pem');
      await writeFile(certFile, certificatePem);
      await writeFile(keyFile, privateKeyPem, { mode: 0o600 });
      return { certFile, keyFile };
    })();
  }

  async respond(input: {
    authorizeUrl: string | null;
    spMetadata: string;
    spEntityId: string;
    acsUrl: string;
    user: TestUser;
    signResponse?: boolean;
    signAssertion?: boolean;
    sha1?: boolean;
  }): Promise<SignedResponse> {
    const { certFile, keyFile } = await this.files;
    const url = input.authorizeUrl ? new URL(input.authorizeUrl) : null;
    const request = {
      entityId: this.entityId,
      ssoUrl: this.ssoUrl,
      certFile,
      keyFile,
      spMetadata: input.spMetadata,
      samlRequest: url?.searchParams.get('SAMLRequest') ?? null,
      spEntityId: input.spEntityId,
      acsUrl: input.acsUrl,
      nameId: input.user.nameId,
      attributes: input.user.attributes,
      authnContextClassRef: input.user.authnContextClassRef,
      signResponse: input.signResponse ?? true,
      signAssertion: input.signAssertion ?? true,
      signAlgorithm: input.sha1 ? 'rsa-sha1' : 'rsa-sha256',
      digestAlgorithm: input.sha1 ? 'sha1' : 'sha256',
    };
    const output = await runPython(JSON.stringify(request));
    const answer = JSON.parse(output) as {
      SAMLResponse: string;
      destination: string;
      inResponseTo: string | null;
    };
    return {
      SAMLResponse: answer.SAMLResponse,
      RelayState: url?.searchParams.get('RelayState') ?? undefined,
      acsUrl: answer.destination,
      inResponseTo: answer.inResponseTo,
    };
  }
}

function runPython(stdin: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(PYTHON, [SCRIPT], { stdio: ['pipe', 'pipe', 'pipe'] });
    keepOutputOf(child);
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve(out);
      else reject(new Error(`pysaml2 IdP failed (${code}): ${err.slice(-2000)}`));
    });
    child.stdin.end(stdin);
  });
}
