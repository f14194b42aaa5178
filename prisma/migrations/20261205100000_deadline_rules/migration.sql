-- Deadlines of coordinated discharge as data (issue 18).
--
-- The law (lag 2017:612) and each region's routine set when the steps of a case are due.
-- A version is never changed or removed: a new routine is a new row from its
-- valid_from, and a step is judged by the version in force when its clock started (the
-- admission, the message, the ready notice), so a past case keeps its deadlines.
-- src/domain/deadlines decides due and late from these numbers; nothing else does.
CREATE TABLE deadline_rule (
  id                           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  -- The region (an organization of kind CARE_PROVIDER) whose routine this is; NULL: the
  -- law's defaults, for every region without a routine of its own in force.
  region_id                    uuid REFERENCES organization (id),
  valid_from                   timestamptz(3) NOT NULL,
  -- Inskrivningsmeddelande: within this many hours of the admission (the law: 24).
  admission_notice_hours       integer NOT NULL CHECK (admission_notice_hours BETWEEN 1 AND 24),
  -- Kvittens: by the end of this many Swedish working days after the day a message
  -- arrived (0: the same day).
  acknowledgement_working_days integer NOT NULL CHECK (acknowledgement_working_days BETWEEN 0 AND 10),
  -- Planeringsunderlag: within this many hours of the admission notice.
  planning_basis_hours         integer NOT NULL CHECK (planning_basis_hours BETWEEN 1 AND 240),
  -- Kallelse till SIP: by the end of this many calendar days after the day of the ready
  -- notice (the law: 3).
  sip_call_days                integer NOT NULL CHECK (sip_call_days BETWEEN 0 AND 3),
  -- The decision or routine this version implements, as a reader would look it up.
  decision                     text NOT NULL CHECK (length(decision) > 0),
  created_at                   timestamptz(3) NOT NULL DEFAULT now(),
  UNIQUE NULLS NOT DISTINCT (region_id, valid_from)
);

CREATE TRIGGER deadline_rule_append_only BEFORE UPDATE OR DELETE ON deadline_rule
  FOR EACH ROW EXECUTE FUNCTION brygga_refuse_change();
CREATE TRIGGER deadline_rule_no_truncate BEFORE TRUNCATE ON deadline_rule
  FOR EACH STATEMENT EXECUTE FUNCTION brygga_refuse_change();
GRANT SELECT ON deadline_rule TO brygga_app;

-- Version 1 of the defaults, in force with the law from 2018-01-01. The law names the 24
-- hours and the 3 days; "promptly" (skyndsamt) for a receipt and the planning basis's
-- limit are regional: one working day and 48 hours are the common routine until a region
-- records its own.
INSERT INTO deadline_rule (id, region_id, valid_from, admission_notice_hours,
  acknowledgement_working_days, planning_basis_hours, sip_call_days, decision)
VALUES ('00000000-0000-4000-8000-00002017d612', NULL, '2018-01-01T00:00:00+01:00', 24, 1, 48, 3,
  'Lag (2017:612) om samverkan vid utskrivning från sluten hälso- och sjukvård; kvittens och planeringsunderlag enligt vanlig regional rutin');

-- Live delivery (src/subscriptions): every committed event of a case is announced on one
-- channel. NOTIFY is sent at commit and never for a rolled-back transaction, so a
-- subscriber hears only of events that exist; the payload names ids only, never patient
-- data, and each listener reads the event again under the subscriber's own row rule.
CREATE FUNCTION case_event_announce() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('brygga_case_event',
    json_build_object('eventId', NEW.id, 'caseId', NEW.case_id)::text);
  RETURN NULL;
END
$$;
CREATE TRIGGER case_event_announce AFTER INSERT ON case_event
  FOR EACH ROW EXECUTE FUNCTION case_event_announce();
