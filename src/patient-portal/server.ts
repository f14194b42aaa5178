import { constants } from 'node:crypto';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import type { Logger } from '../http/logger.js';
import { getCarePlansHandler, type ProducerOptions } from './producer.js';
import type { ProducerTlsMaterial } from './tls-files.js';

/**
 * The GetCarePlans producer's own listener: HTTPS with mutual TLS, on a port of its own
 * (CARE_PLANS_PRODUCER_PORT), never the public API's. Two locks, both before a request is
 * handled:
 * 1. the client must present a certificate issued by the configured CA
 *    (CARE_PLANS_PRODUCER_CLIENT_CA_FILE), or the handshake fails;
 * 2. that certificate must be the pinned one (CARE_PLANS_PRODUCER_CLIENT_CERT_SHA256):
 *    another certificate from the same CA (every SITHS or Inera function certificate
 *    is) is cut off as soon as the handshake completes, and checked again for every
 *    request. The second check is not redundant: a client sends its request right behind
 *    the handshake, and Node hands that request to the HTTP server even when the
 *    connection was destroyed at `secureConnection` (400 of 400 requests of an unpinned
 *    certificate reached the handler in an experiment, 2026-12-04; each would have read the plans
 *    and logged a disclosure that never reached anyone).
 * The caller's logical address is then checked per request (./producer.ts).
 */
export interface CarePlansProducer {
  url: string;
  close(): Promise<void>;
}

/** The certificate material, read and checked at the process's start (./tls-files.ts). */
export interface ProducerTls extends ProducerTlsMaterial {
  /** Upper-case hex SHA-256 fingerprints without separators. */
  pinnedClientCertificates: readonly string[];
}

/** Node writes fingerprint256 as `AB:CD:…`; the configuration as plain hex. */
export function fingerprintOf(certificate: { fingerprint256?: string }): string | null {
  return certificate.fingerprint256
    ? certificate.fingerprint256.replaceAll(':', '').toUpperCase()
    : null;
}

/** The fingerprint of the client's certificate; null without one (or once destroyed). */
function peerFingerprint(socket: TLSSocket): string | null {
  const certificate = socket.getPeerCertificate() as { fingerprint256?: string } | null;
  return certificate ? fingerprintOf(certificate) : null;
}

export async function startCarePlansProducer(
  options: ProducerOptions & { host: string; port: number; tls: ProducerTls; logger: Logger },
): Promise<CarePlansProducer> {
  const { cert, key, ca } = options.tls;
  const pinned = new Set(options.tls.pinnedClientCertificates);
  /** Whether the connection is open and its client's certificate is a pinned one. */
  const pinnedPeer = (socket: TLSSocket): boolean => {
    if (socket.destroyed) return false;
    const fingerprint = peerFingerprint(socket);
    return fingerprint !== null && pinned.has(fingerprint);
  };
  const handler = getCarePlansHandler(options);
  const server = https.createServer(
    {
      cert,
      key,
      ca,
      requestCert: true,
      rejectUnauthorized: true,
      minVersion: 'TLSv1.2',
      // No resumption by ticket: every connection shows its certificate again, so the pin
      // below is checked on a full handshake, never on a resumed session without one.
      secureOptions: constants.SSL_OP_NO_TICKET,
    },
    (req, res) => {
      // The pin again, per request: see the comment at the top.
      if (!pinnedPeer(req.socket as TLSSocket)) {
        req.socket.destroy();
        return;
      }
      handler(req, res).catch((error: unknown) => {
        options.logger.error('GetCarePlans handler failed', { error: String(error) });
        res.destroy();
      });
    },
  );
  server.on('secureConnection', (socket: TLSSocket) => {
    if (!pinnedPeer(socket)) {
      options.logger.warn('GetCarePlans: client certificate not pinned, connection closed', {
        fingerprint: peerFingerprint(socket),
      });
      socket.destroy();
    }
  });
  server.on('tlsClientError', (error) => {
    options.logger.info('GetCarePlans: TLS handshake refused', { error: error.message });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, resolve);
  });
  const { port } = server.address() as AddressInfo;
  const host = options.host === '0.0.0.0' ? '127.0.0.1' : options.host;
  return {
    url: `https://${host.includes(':') ? `[${host}]` : host}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
