/**
 * Committed case events, heard from PostgreSQL: one LISTEN connection per API process on
 * the channel the trigger `case_event_announce` notifies at commit (migration
 * 20261205100000_deadline_rules). A command handled by any process, on any machine,
 * reaches the subscribers of every process through the database, with no broker of our
 * own. The notification names ids only; each subscriber reads the event again under its
 * own row rule (./activity.ts).
 */
import pg from 'pg';
import type { Logger } from '../http/logger.js';

export const CASE_EVENT_CHANNEL = 'brygga_case_event';

export interface CaseEventNotice {
  eventId: string;
  caseId: string;
  /** The event's position in commit order (migration 20261206500000_case_event_position). */
  position: bigint;
}

type Listener = (notice: CaseEventNotice) => void;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const RECONNECT_MS = [100, 500, 1_000, 2_000, 5_000] as const;

export class CaseEventFeed {
  private readonly listeners = new Set<Listener>();
  private client: pg.Client | null = null;
  private stopped = false;
  private attempt = 0;
  private ready: Promise<void> | null = null;

  constructor(
    private readonly databaseUrl: string,
    private readonly logger: Logger,
  ) {}

  /** Connects and listens; resolves once LISTEN is in force. */
  start(): Promise<void> {
    this.ready ??= this.connect();
    return this.ready;
  }

  /** Calls `listener` for every committed event until the returned function is called. */
  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get subscriberCount(): number {
    return this.listeners.size;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.listeners.clear();
    const client = this.client;
    this.client = null;
    await client?.end().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    const client = new pg.Client({
      connectionString: this.databaseUrl,
      application_name: 'brygga-live',
      keepAlive: true,
    });
    client.on('notification', (message) => this.deliver(message.payload));
    client.on('error', (error) => {
      this.logger.warn('live feed connection lost; reconnecting', { error: String(error) });
      this.reconnect(client);
    });
    client.on('end', () => this.reconnect(client));
    await client.connect();
    await client.query(`LISTEN ${CASE_EVENT_CHANNEL}`);
    this.client = client;
    this.attempt = 0;
  }

  private reconnect(lost: pg.Client): void {
    if (this.stopped || this.client !== lost) return;
    this.client = null;
    const delay = RECONNECT_MS[Math.min(this.attempt, RECONNECT_MS.length - 1)]!;
    this.attempt += 1;
    setTimeout(() => {
      if (this.stopped) return;
      this.connect().catch((error) => {
        this.logger.warn('live feed could not reconnect', { error: String(error) });
        this.client = lost;
        this.reconnect(lost);
      });
    }, delay).unref();
  }

  private deliver(payload: string | undefined): void {
    let notice: CaseEventNotice;
    try {
      const parsed = JSON.parse(payload ?? '') as {
        eventId?: string;
        caseId?: string;
        position?: number;
      };
      if (!UUID.test(parsed.eventId ?? '') || !UUID.test(parsed.caseId ?? '')) return;
      if (!Number.isSafeInteger(parsed.position) || parsed.position! < 1) return;
      notice = {
        eventId: parsed.eventId!,
        caseId: parsed.caseId!,
        position: BigInt(parsed.position!),
      };
    } catch {
      return;
    }
    for (const listener of this.listeners) listener(notice);
  }
}
