-- Notifications outside the browser (issue 18, src/notifications): a unit's subscriptions
-- to e-mail or SMS, and an outbox of the notifications sent to them. A notification says
-- only that something new is waiting for the unit ("Ny händelse för <enhet> i Brygga"),
-- never which patient, case or message: nothing here is patient data.

CREATE TYPE notification_channel AS ENUM ('EMAIL', 'SMS');

-- Who of a unit is told, and how. Set up and ended by the unit's own staff over GraphQL;
-- an ended subscription stays, with who ended it, so the unit can see its history.
CREATE TABLE notification_subscription (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  unit_id uuid NOT NULL REFERENCES unit (id),
  channel notification_channel NOT NULL,
  -- An E.164 phone number (SMS) or an e-mail address (EMAIL), validated by the API.
  address text NOT NULL CHECK (length(address) BETWEEN 3 AND 254),
  -- Events at or before this position (case_event_position) were committed before the
  -- subscription: they are never notified to it.
  from_position bigint NOT NULL,
  created_by_hsa_id text NOT NULL,
  created_by_name text NOT NULL,
  created_at timestamptz(3) NOT NULL DEFAULT now(),
  active boolean NOT NULL DEFAULT true,
  ended_at timestamptz(3),
  ended_by_hsa_id text,
  ended_by_name text,
  CHECK (active = (ended_at IS NULL)),
  CHECK (active OR (ended_by_hsa_id IS NOT NULL AND ended_by_name IS NOT NULL))
);
-- One active subscription per unit, channel and address.
CREATE UNIQUE INDEX notification_subscription_active_unique
  ON notification_subscription (unit_id, channel, address) WHERE active;
CREATE INDEX notification_subscription_unit ON notification_subscription (unit_id, created_at);

CREATE TYPE notification_status AS ENUM ('PENDING', 'SENT', 'FAILED', 'CANCELLED');

-- One notification to one subscription: the events for the unit it stands for (counted,
-- not named), when it is due, and what became of it. Written and updated only by the
-- scheduler's notification tasks (as the database owner); the API reads it.
CREATE TABLE notification_outbox (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  subscription_id uuid NOT NULL REFERENCES notification_subscription (id),
  unit_id uuid NOT NULL REFERENCES unit (id),
  event_count integer NOT NULL DEFAULT 1 CHECK (event_count > 0),
  first_event_at timestamptz(3) NOT NULL,
  last_event_at timestamptz(3) NOT NULL,
  created_at timestamptz(3) NOT NULL DEFAULT now(),
  -- When it is sent: at once, or at the end of the subscription's coalescing window.
  send_at timestamptz(3) NOT NULL,
  status notification_status NOT NULL DEFAULT 'PENDING',
  attempts integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  last_attempt_at timestamptz(3),
  last_error text,
  sent_at timestamptz(3),
  -- The text of the last attempt: what the person was (or would have been) sent.
  text text,
  CHECK ((status = 'SENT') = (sent_at IS NOT NULL))
);
CREATE INDEX notification_outbox_unit ON notification_outbox (unit_id, created_at DESC, id DESC);
CREATE INDEX notification_outbox_subscription ON notification_outbox (subscription_id, send_at DESC);

-- How far the fan-out has read the committed events (case_event_position): one row. The
-- notifications start from the events committed after this migration.
CREATE TABLE notification_fanout_cursor (
  singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  position bigint NOT NULL
);
INSERT INTO notification_fanout_cursor (position)
SELECT coalesce(max(position), 0) FROM case_event_position;

GRANT SELECT, INSERT ON notification_subscription TO brygga_app;
GRANT UPDATE (active, ended_at, ended_by_hsa_id, ended_by_name) ON notification_subscription TO brygga_app;
GRANT SELECT ON notification_outbox TO brygga_app;
