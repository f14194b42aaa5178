import { createPrivateKey, X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { type Config, ConfigError } from '../config.js';

/** The producer's certificate files, as configured (CARE_PLANS_PRODUCER_*_FILE). */
interface ProducerTlsFiles {
  certFile: string;
  keyFile: string;
  clientCaFile: string;
}

/** The files of a configured producer; null when it is off. */
function producerTlsFilesOf(config: Config): ProducerTlsFiles | null {
  if (config.CARE_PLANS_PRODUCER_PORT === undefined) return null;
  // loadConfig refuses a producer port without the rest of its configuration.
  return {
    certFile: config.CARE_PLANS_PRODUCER_TLS_CERT_FILE!,
    keyFile: config.CARE_PLANS_PRODUCER_TLS_KEY_FILE!,
    clientCaFile: config.CARE_PLANS_PRODUCER_CLIENT_CA_FILE!,
  };
}

/** The files' contents, each checked: PEM that parses, and a key that fits the certificate. */
export interface ProducerTlsMaterial {
  cert: string;
  key: string;
  ca: string;
}

/**
 * Reads and checks the GetCarePlans producer's certificate files. A file that is missing,
 * unreadable, not PEM, or a key that is not the certificate's stops the start with one line
 * naming the setting, before the database is touched: found at the first handshake it would
 * be a producer that refuses the platform with nothing in the log but a TLS error.
 */
async function readProducerTls(files: ProducerTlsFiles): Promise<ProducerTlsMaterial> {
  const [cert, key, ca] = await Promise.all([
    readSetting('CARE_PLANS_PRODUCER_TLS_CERT_FILE', files.certFile),
    readSetting('CARE_PLANS_PRODUCER_TLS_KEY_FILE', files.keyFile),
    readSetting('CARE_PLANS_PRODUCER_CLIENT_CA_FILE', files.clientCaFile),
  ]);
  const server = parse('CARE_PLANS_PRODUCER_TLS_CERT_FILE', () => new X509Certificate(cert));
  parse('CARE_PLANS_PRODUCER_CLIENT_CA_FILE', () => new X509Certificate(ca));
  const privateKey = parse('CARE_PLANS_PRODUCER_TLS_KEY_FILE', () => createPrivateKey(key));
  if (!server.checkPrivateKey(privateKey)) {
    throw invalid(
      'CARE_PLANS_PRODUCER_TLS_KEY_FILE',
      'is not the private key of the certificate in CARE_PLANS_PRODUCER_TLS_CERT_FILE',
    );
  }
  return { cert, key, ca };
}

/**
 * The configured producer's certificate material, read and checked once per process (at
 * the start, with the rest of the configuration) and handed to where the producer starts;
 * null when the producer is off.
 */
export async function readConfiguredProducerTls(
  config: Config,
): Promise<ProducerTlsMaterial | null> {
  const files = producerTlsFilesOf(config);
  return files === null ? null : readProducerTls(files);
}

async function readSetting(name: string, path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'not readable' : code;
    throw invalid(name, `cannot read ${path} (${why ?? 'unreadable'})`);
  }
}

function parse<T>(name: string, read: () => T): T {
  try {
    return read();
  } catch {
    throw invalid(
      name,
      name.endsWith('KEY_FILE') ? 'is not a PEM private key' : 'is not a PEM certificate',
    );
  }
}

function invalid(name: string, reason: string): ConfigError {
  return new ConfigError(`invalid configuration: ${name}: ${reason}`);
}
