import type { RequestHandler } from 'express';
import type { Database } from '../db/client.js';
import { isDatabaseUnavailable } from '../db/connection-errors.js';
import { readMigrations } from '../db/migrate.js';
import type { IdentityServices } from '../identity/index.js';

/**
 * GET /readyz: whether this process should get traffic. Ready when the database answers,
 * every migration this code knows is applied and a token signing key is loaded; not ready
 * while any of these fails or once the process is stopping. /healthz only says the
 * process is alive, so a supervisor does not restart it for a database that is away: it
 * reconnects by itself (src/db/availability.ts).
 */
export async function readinessCheck(deps: {
  db: Database;
  identity: IdentityServices;
  stopping: () => boolean;
}): Promise<RequestHandler> {
  const known = (await readMigrations()).map((m) => m.name);
  const check = async (): Promise<string[]> => {
    if (deps.stopping()) return ['stopping'];
    try {
      const { rows } = await deps.db.pool.query<{ name: string }>(
        'SELECT name FROM brygga_migration',
      );
      deps.db.availability.reached();
      const applied = new Set(rows.map((r) => r.name));
      const pending = known.filter((name) => !applied.has(name));
      if (pending.length > 0) return [`migrations not applied: ${pending.join(', ')}`];
    } catch (error) {
      if (!isDatabaseUnavailable(error)) return ['migration state unreadable'];
      deps.db.availability.report(error, 'readiness');
      return ['database unreachable'];
    }
    try {
      await deps.identity.keys.activeSigningKey(new Date());
    } catch {
      return ['no token signing key loaded'];
    }
    return [];
  };
  return async (_req, res) => {
    const reasons = await check();
    res.status(reasons.length === 0 ? 200 : 503).json({
      status: reasons.length === 0 ? 'ready' : 'not ready',
      ...(reasons.length > 0 ? { reasons } : {}),
      database: { available: deps.db.availability.available, ...deps.db.availability.stats },
    });
  };
}
