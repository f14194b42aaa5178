import type { Principal } from '../authz/principal.js';
import type { PrismaClient } from '../db/client.js';
import type { Actor } from '../domain/case/model.js';
import type { Services } from '../services.js';

/**
 * What every resolver gets: who is asking (verified at the door), in which unit they act,
 * and the services. Built once per request by src/http/graphql-server.ts.
 */
export interface Context {
  requestId: string;
  prisma: PrismaClient;
  principal: Principal | null;
  /** The principal acting in the unit of their chosen commission, when Brygga knows it. */
  actor: Actor | null;
  services: Services;
  now: () => Date;
}
