import type pg from 'pg';
import client from 'prom-client';
import { parseCertificate } from '../identity/certificates.js';
import { registry } from './registry.js';

/**
 * The federation's state as the database has it, read at each scrape (so every process
 * reports the same, whichever ran the refresh): days until each enabled IdP's last pinned
 * signing certificate expires (its logins stop then), and how long ago its metadata was
 * last refreshed against how often it should be.
 */
let source: pg.Pool | null = null;

/** The pool the scrape reads through; returns the function that stops it. */
export function watchIdentityProviders(pool: pg.Pool): () => void {
  source = pool;
  return () => {
    if (source === pool) source = null;
  };
}

interface IdpRow {
  slug: string;
  signing_certificates: string[];
  metadata_url: string | null;
  metadata_refresh_seconds: number;
  metadata_refreshed_at: Date | null;
}

async function readIdps(): Promise<IdpRow[]> {
  if (!source) return [];
  try {
    const { rows } = await source.query<IdpRow>(
      `SELECT slug, signing_certificates, metadata_url, metadata_refresh_seconds, metadata_refreshed_at
       FROM identity_provider WHERE enabled`,
    );
    return rows;
  } catch {
    // The database is away: brygga_db_available says so; these gauges go empty meanwhile.
    return [];
  }
}

const DAY_MS = 86_400_000;

export function certificateDaysLeft(certificates: readonly string[], now: Date): number | null {
  let latest: number | null = null;
  for (const pem of certificates) {
    try {
      const notAfter = Date.parse(parseCertificate(pem).validTo);
      if (latest === null || notAfter > latest) latest = notAfter;
    } catch {
      // A certificate that does not parse protects nothing; the others decide.
    }
  }
  return latest === null ? null : (latest - now.getTime()) / DAY_MS;
}

new client.Gauge({
  name: 'brygga_idp_certificate_expiry_days',
  help: 'Days until the latest-expiring pinned signing certificate of each enabled IdP expires (negative: expired)',
  labelNames: ['idp'] as const,
  registers: [registry],
  // Every API process reads the same rows: a cluster's aggregate keeps one value.
  aggregator: 'first',
  async collect() {
    const rows = await readIdps();
    this.reset();
    const now = new Date();
    for (const row of rows) {
      const days = certificateDaysLeft(row.signing_certificates, now);
      if (days !== null) this.set({ idp: row.slug }, Math.floor(days * 100) / 100);
    }
  },
});

new client.Gauge({
  name: 'brygga_idp_metadata_age_seconds',
  help: 'Seconds since the metadata of each enabled IdP with a metadata URL was last refreshed (or imported)',
  labelNames: ['idp'] as const,
  registers: [registry],
  aggregator: 'first',
  async collect() {
    const rows = await readIdps();
    this.reset();
    const now = Date.now();
    for (const row of rows) {
      if (!row.metadata_url || !row.metadata_refreshed_at) continue;
      this.set({ idp: row.slug }, Math.round((now - row.metadata_refreshed_at.getTime()) / 1000));
    }
  },
});

new client.Gauge({
  name: 'brygga_idp_metadata_refresh_interval_seconds',
  help: 'How often each enabled IdP with a metadata URL is to be refreshed',
  labelNames: ['idp'] as const,
  registers: [registry],
  aggregator: 'first',
  async collect() {
    const rows = await readIdps();
    this.reset();
    for (const row of rows) {
      if (row.metadata_url) this.set({ idp: row.slug }, row.metadata_refresh_seconds);
    }
  },
});
