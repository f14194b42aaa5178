import { readFile } from 'node:fs/promises';
import { posix } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The contract's WSDL and schemas as the producer publishes them: `GET <path>?wsdl` and
 * `GET <path>?xsd=<file>`, as SOAP stacks serve them (the platform's administrators and
 * their tools read a producer's WSDL to check what it implements). The files are the
 * contract's own (contracts/riv-ta, never edited); on the way out only two kinds of
 * attribute change:
 * - the WSDL's `soap:address location` (the contract says `http://tempuri.org`) becomes
 *   this endpoint;
 * - every `schemaLocation` becomes a `?xsd=` link to the file it names, so a reader that
 *   follows the imports gets each schema from here.
 * Only the files reachable from the WSDL are served, looked up by name in a fixed set: a
 * `?xsd=` of anything else (`../../etc/passwd`) is not found.
 */

const ROOT = new URL(
  '../../contracts/riv-ta/clinicalprocess_logistics_logistics_3.0/',
  import.meta.url,
);
const WSDL = 'interactions/GetCarePlansInteraction/GetCarePlansInteraction_2.0_RIVTABP21.wsdl';
const SCHEMA_LOCATION = /schemaLocation=(["'])([^"']+)\1/g;

export class PublishedContract {
  /** Each published file, by its path under the contract's folder, read once. */
  private files: Promise<Map<string, string>> | null = null;

  /** The WSDL with this endpoint's address, or the named schema; null for anything else. */
  async document(
    query: URLSearchParams,
    endpoint: string,
  ): Promise<{ kind: 'wsdl' | 'xsd'; xml: string } | null> {
    this.files ??= readReachable();
    const files = await this.files;
    if (query.has('wsdl')) {
      const wsdl = linked(WSDL, files.get(WSDL)!, endpoint).replace(
        /(<soap:address\s+location=)(["'])[^"']*\2/,
        (_m, start: string, quote: string) =>
          `${start}${quote}${escapeAttribute(endpoint)}${quote}`,
      );
      return { kind: 'wsdl', xml: wsdl };
    }
    const name = query.get('xsd');
    const xsd = name === null || name === WSDL ? undefined : files.get(name);
    return xsd === undefined ? null : { kind: 'xsd', xml: linked(name!, xsd, endpoint) };
  }
}

/** The WSDL and every schema it imports, directly or through another schema. */
async function readReachable(): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  const pending = [WSDL];
  while (pending.length > 0) {
    const name = pending.pop()!;
    if (files.has(name)) continue;
    const text = await readFile(fileURLToPath(new URL(name, ROOT)), 'utf8');
    files.set(name, text);
    for (const [, , location] of text.matchAll(SCHEMA_LOCATION)) {
      pending.push(resolved(name, location!));
    }
  }
  return files;
}

/** A schemaLocation of `from` as a path under the contract's folder. */
function resolved(from: string, location: string): string {
  return posix.normalize(posix.join(posix.dirname(from), location));
}

/** The file with each schemaLocation pointing at this endpoint's `?xsd=`. */
function linked(name: string, text: string, endpoint: string): string {
  return text.replace(SCHEMA_LOCATION, (_m, quote: string, location: string) => {
    const link = `${endpoint}?xsd=${encodeURIComponent(resolved(name, location))}`;
    return `schemaLocation=${quote}${escapeAttribute(link)}${quote}`;
  });
}

function escapeAttribute(value: string): string {
  return value.replaceAll('&', '&amp;').replaceAll('"', '&quot;').replaceAll("'", '&apos;');
}
