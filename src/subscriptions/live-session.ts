import type pg from 'pg';
import type { CaseEventFeed } from './case-event-feed.js';
import type { DeliverySlots } from './delivery-slots.js';
import type { SharedReads } from './shared-reads.js';

/** What a subscription's resolvers get besides the usual context (src/graphql/context.ts). */
export interface LiveSession {
  feed: CaseEventFeed;
  /** The API's pool, for each delivery's own case-facts loader. */
  pool: pg.Pool;
  /** Bounds the deliveries of the process that use the database at once. */
  slots: DeliverySlots;
  /**
   * Checks the access token and the live session again before a delivery; false when
   * either ended, and then the socket is already closing with its code (./close-codes.ts).
   */
  stillSignedIn(): Promise<boolean>;
  /**
   * Releases the slot the delivery in progress holds, once its reads are done (before its
   * access-log rows are written with other deliveries'); does nothing when none is held.
   */
  heldSlot?: () => void;
  /** The delivery in progress's reads shared with other subscribers (a live event's). */
  reads?: SharedReads;
}
