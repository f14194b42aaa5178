-- Resuming live delivery (src/subscriptions, issue 18): every case event gets a position in
-- the order the transactions that wrote them COMMITTED, and a subscriber's cursor is that
-- position. A sequence number taken at INSERT would not do: two commands may insert in one
-- order and commit in the other, and a subscriber that saw the later one live would resume
-- past the earlier one and never get it.
--
-- So the position is taken at commit: a deferred constraint trigger (it runs while the
-- transaction commits) takes one transaction-level advisory lock, numbers the transaction's
-- events and announces them; the lock is released only after the commit is visible, so
-- positions increase in commit order and a position is never visible before a smaller one.
-- Committing transactions that NOTIFY are serialised by PostgreSQL anyway (the notify
-- queue's lock), so this adds a short wait at commit, not a new bottleneck.
--
-- Its own table, since case_event is append-only (brygga_refuse_change refuses UPDATE). A
-- purged event takes its position with it (ON DELETE CASCADE).
CREATE TABLE case_event_position (
  position bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  event_id uuid NOT NULL UNIQUE REFERENCES case_event (id) ON DELETE CASCADE
);

-- Events written before this migration, in the order they were recorded.
INSERT INTO case_event_position (event_id)
SELECT id FROM case_event ORDER BY occurred_at, case_id, sequence;

-- Replaces case_event_announce (20261205100000_deadline_rules): the notice now carries the
-- position, so a resuming subscriber can tell replayed events from live ones without a
-- query. Ids and the position only, never patient data. SECURITY DEFINER: the API's role
-- only reads positions and can never write one.
CREATE FUNCTION case_event_position_assign() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
DECLARE
  assigned bigint;
BEGIN
  PERFORM pg_advisory_xact_lock(7300412019);
  INSERT INTO case_event_position (event_id) VALUES (NEW.id) RETURNING position INTO assigned;
  PERFORM pg_notify('brygga_case_event',
    json_build_object('eventId', NEW.id, 'caseId', NEW.case_id, 'position', assigned)::text);
  RETURN NULL;
END
$$;

DROP TRIGGER case_event_announce ON case_event;
DROP FUNCTION case_event_announce();

CREATE CONSTRAINT TRIGGER case_event_position_assign AFTER INSERT ON case_event
  DEFERRABLE INITIALLY DEFERRED
  FOR EACH ROW EXECUTE FUNCTION case_event_position_assign();

GRANT SELECT ON case_event_position TO brygga_app;
