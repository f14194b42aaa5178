import type { AccessRecorder } from '../audit/access-recorder.js';
import type { CaseFactsLoader } from '../authz/case-facts.js';
import type { Principal } from '../authz/principal.js';
import type { Redaction } from '../authz/redaction.js';
import type { PrismaClient } from '../db/client.js';
import type { RawReads } from '../db/raw-reads.js';
import type { Actor } from '../domain/case/model.js';
import type { Services } from '../services.js';
import type { LiveSession } from '../subscriptions/live-session.js';

/**
 * What every resolver gets: who is asking (verified at the door), in which unit they act,
 * the services, and the request's own collectors. Built once per request by
 * src/http/graphql-server.ts.
 */
export interface Context {
  requestId: string;
  prisma: PrismaClient;
  /** Raw reads of many plain rows through the pool: the log review's (src/db/raw-reads.ts). */
  reads: RawReads;
  /** Fixed for the request (and a subscription's deliveries): the field guard decides once for it. */
  readonly principal: Principal | null;
  /** The principal acting in the unit of their chosen commission, when Brygga knows it. */
  readonly actor: Actor | null;
  services: Services;
  now: () => Date;
  /** Facts about cases for field decisions, batched per request. */
  facts: CaseFactsLoader;
  /** Fields withheld from this response, reported in `extensions.redactions`. */
  redactions: Redaction[];
  /** Patients whose data this request returns or writes (the PDL access log). */
  access: AccessRecorder;
  /** How long an access-log write may wait for the chain lock before failing closed. */
  accessLogLockWaitMs: number;
  /** Set for a subscription over the WebSocket (src/subscriptions); absent over HTTP. */
  live?: LiveSession;
}
