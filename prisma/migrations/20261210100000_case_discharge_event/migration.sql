-- Issue 17: a case names its discharge event, so that reading a case's information vid
-- utskrivning (Case.dischargeInformation) is a join in the case's own statement instead of
-- a statement of its own.
--
-- The information lives in the payload of the case's latest DISCHARGED event. The API found
-- that event by a second read per request (case_id, type, newest sequence first): a whole
-- round trip, and Prisma's fixed cost per call, for one row. Measured on seed:scale's data
-- (one case in full, the bench's (b)), with that read answered from memory as an upper
-- bound: 10.6 % less of the API's CPU a request and 12.9 % more requests a second. As a
-- relation of the case, the event is loaded with it: by its primary key, in the same
-- statement.
--
-- The column is a projection of the event list, like the case's other columns: the
-- database keeps it, whoever writes the event (a command, the seeds' bulk COPY), so it can
-- never disagree with the events.
--
-- On the bench's region-year (100 000 cases, 1.18 M events) this migration took 4.4 s: the
-- fill 3.4 s, the index 0.1 s, the key's check of every row 0.9 s. Commands writing to a
-- case wait for it meanwhile (the fill locks the discharged cases' rows, the key both
-- tables against writes); reads do not.
ALTER TABLE "case" ADD COLUMN discharge_event_id uuid;

-- Cases discharged before this migration: their latest DISCHARGED event.
UPDATE "case" c SET discharge_event_id = d.id
FROM (
  SELECT DISTINCT ON (case_id) case_id, id FROM case_event
  WHERE type = 'DISCHARGED' ORDER BY case_id, sequence DESC
) d
WHERE d.case_id = c.id;

-- An event is the discharge of one case at most. The index also serves the foreign
-- key's check when retention deletes events (without it, a scan of every case per event).
CREATE UNIQUE INDEX case_discharge_event_id_key ON "case" (discharge_event_id);

-- Deferred: retention (retention_purge_cases) deletes a case's events before the case, in
-- one transaction; at commit neither is left.
ALTER TABLE "case" ADD CONSTRAINT case_discharge_event_id_fkey
  FOREIGN KEY (discharge_event_id) REFERENCES case_event (id) DEFERRABLE INITIALLY DEFERRED;

-- The latest DISCHARGED event by sequence. Events of a case are written in sequence order,
-- but the comparison keeps the newest even if a bulk load wrote them otherwise.
-- SECURITY INVOKER: whoever may write an event may update its case (brygga_app, the seed's
-- owner).
CREATE FUNCTION case_discharge_event_record() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, public AS $$
BEGIN
  UPDATE "case" c SET discharge_event_id = NEW.id
  WHERE c.id = NEW.case_id
    AND (c.discharge_event_id IS NULL
         OR (SELECT e.sequence FROM case_event e WHERE e.id = c.discharge_event_id) < NEW.sequence);
  RETURN NULL;
END
$$;

CREATE TRIGGER case_discharge_event AFTER INSERT ON case_event
  FOR EACH ROW WHEN (NEW.type = 'DISCHARGED')
  EXECUTE FUNCTION case_discharge_event_record();
