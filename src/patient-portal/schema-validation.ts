import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/**
 * Validation against the published schemas of the national contract with libxml2's own
 * validator, `xmllint` (Debian's libxml2-utils; in the image and in the test
 * prerequisites). The envelope schemas in contracts/ (copied to dist/ by the build) import
 * the contract's schemas by their published relative paths. `--nonet` keeps xmllint from
 * fetching anything, and an envelope with a DTD is refused before it gets here (./soap.ts).
 *
 * Why not a WebAssembly build from npm (xmllint-wasm): it starts a worker and compiles
 * the module for every document, about a second each on this machine; a process of the
 * native tool takes under a tenth of that (docs/performance.md).
 */

const CONTRACTS = new URL('../../contracts/', import.meta.url);

export type EnvelopeSchema =
  | 'getcareplans-request-envelope.xsd'
  | 'getcareplans-response-envelope.xsd';

export interface SchemaVerdict {
  valid: boolean;
  /** The validator's messages about the document, for the fault and the log. */
  errors: string[];
}

/** xmllint's exit codes: 0 valid, 1–2 not well-formed (or unreadable), 3–4 invalid. */
const EXIT_NOT_VALID = new Set([1, 2, 3, 4]);

export class ContractSchemas {
  constructor(private readonly xmllint = 'xmllint') {}

  /** Validates a whole SOAP envelope against one of our envelope schemas. */
  validate(xml: string, schema: EnvelopeSchema): Promise<SchemaVerdict> {
    const schemaPath = fileURLToPath(new URL(schema, CONTRACTS));
    return new Promise((resolve, reject) => {
      const child = execFile(
        this.xmllint,
        ['--noout', '--nonet', '--schema', schemaPath, '-'],
        { timeout: 10_000, maxBuffer: 1024 * 1024 },
        (error, _stdout, stderr) => {
          const code = error ? (error as { code?: unknown }).code : 0;
          if (code === 0) return resolve({ valid: true, errors: [] });
          if (typeof code === 'number' && EXIT_NOT_VALID.has(code)) {
            return resolve({ valid: false, errors: messages(stderr) });
          }
          reject(new Error(`xmllint could not validate: ${error?.message ?? 'unknown'}`));
        },
      );
      child.stdin?.end(xml, 'utf8');
    });
  }
}

/** xmllint names the input `-`; keep what it says about the document. */
function messages(stderr: string): string[] {
  return stderr
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !/^- fails to validate$/.test(line) && !/^\^$/.test(line))
    .map((line) => line.replace(/^-:\d+: /, ''))
    .slice(0, 5);
}
