-- The purge record made immutable (issue 16, items 2 and 8). Until now a run's status,
-- resume count and counts were UPDATEd in place, and the purge role and the owner could
-- rewrite them. Now:
--   retention_run        one row per run, written once when it starts;
--   retention_run_event  appended: each resume, and the run's one ending (SUCCEEDED,
--                        FAILED or ABANDONED) with its seal;
--   retention_run_item   appended: a BATCH row per purge transaction (what it removed)
--                        and a CENSUS row per pass (held, kept for research; a dry run's
--                        counts), the latest census of a line being the one that counts.
-- Triggers refuse UPDATE, DELETE and TRUNCATE of all three for every role, the owner and
-- the purge role included, and refuse anything appended to a run that has ended. Each
-- ending carries a seal: SHA-256 over the previous ending's seal and the whole run, so a
-- run changed behind the triggers' back (a superuser disabling them) no longer verifies
-- (`npm run retention -- verify`, src/retention/verify-record.ts). Who started and who
-- resumed a run is recorded as given (scheduler job, CLI user) and as the PostgreSQL login
-- that did it (session_user, set by the database, not by the caller).
-- The views retention_run_record and retention_run_item_record give the record as it
-- was read before (status, finished_at, resumed, per-line counts).

CREATE TYPE retention_run_event_kind AS ENUM ('RESUMED', 'SUCCEEDED', 'FAILED', 'ABANDONED');

CREATE TABLE retention_run_event (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  run_id uuid NOT NULL REFERENCES retention_run (id),
  kind retention_run_event_kind NOT NULL,
  -- As the runner names itself: 'scheduler:<job id>', 'cli:<user>'.
  actor text NOT NULL CHECK (length(actor) BETWEEN 1 AND 200),
  -- The PostgreSQL login that appended the row (set by the trigger below).
  login text NOT NULL,
  at timestamptz(3) NOT NULL DEFAULT clock_timestamp(),
  error text,
  previous_seal text,
  seal text,
  CHECK ((kind = 'RESUMED') = (seal IS NULL)),
  CHECK ((seal IS NULL) = (previous_seal IS NULL))
);
CREATE INDEX retention_run_event_run_idx ON retention_run_event (run_id, id);
-- One ending per run, and one run after each seal: the chain cannot fork.
CREATE UNIQUE INDEX retention_run_event_one_ending ON retention_run_event (run_id) WHERE kind <> 'RESUMED';
CREATE UNIQUE INDEX retention_run_event_chain ON retention_run_event (previous_seal) WHERE seal IS NOT NULL;

ALTER TABLE retention_run ADD COLUMN started_by_login text;
UPDATE retention_run SET started_by_login = 'unrecorded';
ALTER TABLE retention_run ALTER COLUMN started_by_login SET NOT NULL;

CREATE TYPE retention_run_item_kind AS ENUM ('BATCH', 'CENSUS');
DROP INDEX retention_run_item_unique;
ALTER TABLE retention_run_item
  ADD COLUMN seq bigint GENERATED ALWAYS AS IDENTITY,
  ADD COLUMN kind retention_run_item_kind NOT NULL DEFAULT 'BATCH',
  ADD COLUMN recorded_at timestamptz(3) NOT NULL DEFAULT clock_timestamp(),
  ADD CONSTRAINT retention_run_item_seq_unique UNIQUE (seq);
CREATE INDEX retention_run_item_line_idx ON retention_run_item (run_id, record_class, policy_id, seq);

-- Lines written before: a purge run's line becomes one BATCH (what went) and one CENSUS
-- (held, kept); a dry run's line is a CENSUS.
INSERT INTO retention_run_item (run_id, record_class, policy_id, decision, kind, held, kept_for_research)
SELECT i.run_id, i.record_class, i.policy_id, i.decision, 'CENSUS', i.held, i.kept_for_research
FROM retention_run_item i JOIN retention_run r ON r.id = i.run_id WHERE r.mode = 'PURGE';
UPDATE retention_run_item i SET held = 0, kept_for_research = 0
FROM retention_run r WHERE r.id = i.run_id AND r.mode = 'PURGE' AND i.kind = 'BATCH';
UPDATE retention_run_item i SET kind = 'CENSUS'
FROM retention_run r WHERE r.id = i.run_id AND r.mode = 'DRY_RUN';
INSERT INTO retention_run_event (run_id, kind, actor, login, at)
SELECT r.id, 'RESUMED', 'unrecorded (resumed before the record was append-only)', 'unrecorded', r.started_at
FROM retention_run r CROSS JOIN LATERAL generate_series(1, r.resumed);

CREATE FUNCTION retention_utc(t timestamptz) RETURNS text
LANGUAGE sql IMMUTABLE SET search_path = pg_catalog AS $$
  SELECT to_char(t AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')
$$;

-- The seal of a run's ending: SHA-256 (hex) of the previous seal and the run as recorded:
-- its start, its resumes, every line of its record in order, and the ending itself.
-- Written by the trigger below, recomputed by the verifier.
CREATE FUNCTION retention_run_seal(p_run uuid, p_kind retention_run_event_kind, p_actor text,
  p_login text, p_at timestamptz, p_error text, p_previous text) RETURNS text
LANGUAGE sql STABLE SET search_path = pg_catalog, public AS $$
  SELECT encode(sha256(convert_to(p_previous || '|' || jsonb_build_object(
    'run', (SELECT jsonb_build_array(r.id, r.mode, r.as_of::text, r.started_by, r.started_by_login,
                                     retention_utc(r.started_at))
            FROM retention_run r WHERE r.id = p_run),
    'resumes', (SELECT coalesce(jsonb_agg(jsonb_build_array(e.actor, e.login, retention_utc(e.at)) ORDER BY e.id), '[]')
                FROM retention_run_event e WHERE e.run_id = p_run AND e.kind = 'RESUMED'),
    'items', (SELECT coalesce(jsonb_agg(jsonb_build_array(i.seq, i.kind, i.record_class, i.policy_id,
                i.decision, i.purged, i.held, i.kept_for_research, i.rows, retention_utc(i.earliest),
                retention_utc(i.latest), retention_utc(i.recorded_at)) ORDER BY i.seq), '[]')
              FROM retention_run_item i WHERE i.run_id = p_run),
    'ending', jsonb_build_array(p_kind, p_actor, p_login, retention_utc(p_at), p_error)
  )::text, 'UTF8')), 'hex')
$$;

-- The seal before any: a constant, so the first ending has a predecessor like every other.
CREATE FUNCTION retention_seal_genesis() RETURNS text
LANGUAGE sql IMMUTABLE AS $$ SELECT 'brygga-retention-record-genesis' $$;

-- Appending to the record: the login is the database's word, not the caller's; nothing is
-- appended to a run that has ended; an ending is sealed onto the chain (one at a time).
CREATE FUNCTION retention_record_append() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, public AS $$
BEGIN
  IF TG_TABLE_NAME = 'retention_run' THEN
    NEW.started_by_login := session_user;
    PERFORM pg_advisory_xact_lock(730050, 2);
    IF EXISTS (SELECT FROM retention_run r WHERE NOT EXISTS (
        SELECT FROM retention_run_event e WHERE e.run_id = r.id AND e.kind <> 'RESUMED')) THEN
      RAISE EXCEPTION 'a retention run is unfinished: resume it instead of starting another'
        USING ERRCODE = 'unique_violation';
    END IF;
    RETURN NEW;
  END IF;
  IF EXISTS (SELECT FROM retention_run_event e WHERE e.run_id = NEW.run_id AND e.kind <> 'RESUMED') THEN
    RAISE EXCEPTION 'retention run % has ended: its record is sealed', NEW.run_id
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  IF TG_TABLE_NAME = 'retention_run_event' THEN
    NEW.login := session_user;
    IF NEW.kind <> 'RESUMED' THEN
      PERFORM pg_advisory_xact_lock(730050, 2);
      -- At the stored precision, so that the seal covers exactly what is stored.
      NEW.at := date_trunc('milliseconds', clock_timestamp());
      NEW.previous_seal := coalesce(
        (SELECT e.seal FROM retention_run_event e WHERE e.seal IS NOT NULL ORDER BY e.id DESC LIMIT 1),
        retention_seal_genesis());
      NEW.seal := retention_run_seal(NEW.run_id, NEW.kind, NEW.actor, NEW.login, NEW.at, NEW.error,
                                     NEW.previous_seal);
    ELSE
      NEW.previous_seal := NULL;
      NEW.seal := NULL;
    END IF;
  END IF;
  RETURN NEW;
END
$$;

-- Runs that ended before: sealed now, in the order they ended, by the migrating login.
CREATE TRIGGER retention_run_event_append BEFORE INSERT ON retention_run_event
  FOR EACH ROW EXECUTE FUNCTION retention_record_append();
DO $$
DECLARE
  r record;
BEGIN
  FOR r IN SELECT id, status, finished_at, error FROM retention_run
           WHERE status <> 'RUNNING' ORDER BY finished_at, started_at, id LOOP
    INSERT INTO retention_run_event (run_id, kind, actor, login, error)
    VALUES (r.id, r.status::text::retention_run_event_kind,
            'migration 20261203126200 (the run ended ' || retention_utc(r.finished_at) || ')', '',
            r.error);
  END LOOP;
END
$$;

DROP INDEX retention_run_one_unfinished;
ALTER TABLE retention_run DROP COLUMN status, DROP COLUMN finished_at, DROP COLUMN resumed,
  DROP COLUMN error;
DROP TYPE retention_run_status;

CREATE TRIGGER retention_run_append BEFORE INSERT ON retention_run
  FOR EACH ROW EXECUTE FUNCTION retention_record_append();
CREATE TRIGGER retention_run_item_append BEFORE INSERT ON retention_run_item
  FOR EACH ROW EXECUTE FUNCTION retention_record_append();

-- The record is never changed, by anyone: unlike brygga_refuse_change, no exception.
CREATE FUNCTION retention_record_immutable() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'the purge record (%) is append-only: % refused for every role', TG_TABLE_NAME, TG_OP
    USING ERRCODE = 'insufficient_privilege';
END
$$;
DO $$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['retention_run', 'retention_run_item', 'retention_run_event'] LOOP
    EXECUTE format('CREATE TRIGGER %I BEFORE UPDATE OR DELETE ON %I FOR EACH ROW EXECUTE FUNCTION retention_record_immutable()', t || '_immutable', t);
    EXECUTE format('CREATE TRIGGER %I BEFORE TRUNCATE ON %I FOR EACH STATEMENT EXECUTE FUNCTION retention_record_immutable()', t || '_immutable_truncate', t);
  END LOOP;
END
$$;

-- The record as read: a run with its status, resumes and seal; a line with its counts.
CREATE TYPE retention_run_status AS ENUM ('RUNNING', 'SUCCEEDED', 'FAILED');
CREATE VIEW retention_run_record AS
SELECT r.id, r.mode, r.as_of,
       CASE WHEN e.kind IS NULL THEN 'RUNNING' WHEN e.kind = 'SUCCEEDED' THEN 'SUCCEEDED' ELSE 'FAILED' END
         ::retention_run_status AS status,
       r.started_by, r.started_by_login, r.started_at,
       e.at AS finished_at,
       cardinality(res.resumed_by) AS resumed,
       res.resumed_by,
       CASE WHEN e.kind = 'ABANDONED' THEN coalesce(e.error, 'abandoned') ELSE e.error END AS error,
       e.actor AS finished_by, e.seal
FROM retention_run r
LEFT JOIN retention_run_event e ON e.run_id = r.id AND e.kind <> 'RESUMED'
CROSS JOIN LATERAL (
  SELECT ARRAY(SELECT x.actor || ' (login ' || x.login || ', ' || retention_utc(x.at) || ')'
               FROM retention_run_event x WHERE x.run_id = r.id AND x.kind = 'RESUMED' ORDER BY x.id)
    AS resumed_by
) res;

CREATE VIEW retention_run_item_record AS
SELECT l.id, l.run_id, l.record_class, l.policy_id, l.decision,
       (coalesce(b.purged, 0) + coalesce(c.purged, 0))::bigint AS purged,
       coalesce(c.held, 0)::bigint AS held,
       coalesce(c.kept_for_research, 0)::bigint AS kept_for_research,
       coalesce(rw.rows, '{}'::jsonb) AS rows,
       least(b.earliest, c.earliest) AS earliest,
       greatest(b.latest, c.latest) AS latest
FROM (SELECT DISTINCT ON (run_id, record_class, policy_id) id, run_id, record_class, policy_id, decision
      FROM retention_run_item ORDER BY run_id, record_class, policy_id, seq) l
LEFT JOIN LATERAL (
  SELECT sum(x.purged) AS purged, min(x.earliest) AS earliest, max(x.latest) AS latest
  FROM retention_run_item x
  WHERE x.run_id = l.run_id AND x.record_class = l.record_class
    AND x.policy_id IS NOT DISTINCT FROM l.policy_id AND x.kind = 'BATCH'
) b ON true
LEFT JOIN LATERAL (
  SELECT x.purged, x.held, x.kept_for_research, x.earliest, x.latest
  FROM retention_run_item x
  WHERE x.run_id = l.run_id AND x.record_class = l.record_class
    AND x.policy_id IS NOT DISTINCT FROM l.policy_id AND x.kind = 'CENSUS'
  ORDER BY x.seq DESC LIMIT 1
) c ON true
LEFT JOIN LATERAL (
  SELECT jsonb_object_agg(s.key, s.n) AS rows FROM (
    SELECT e.key, sum(e.value::bigint) AS n
    FROM retention_run_item x CROSS JOIN LATERAL jsonb_each_text(x.rows) e
    WHERE x.run_id = l.run_id AND x.record_class = l.record_class
      AND x.policy_id IS NOT DISTINCT FROM l.policy_id AND x.kind = 'BATCH'
    GROUP BY e.key) s
) rw ON true;

REVOKE UPDATE ON retention_run, retention_run_item FROM brygga_retention;
GRANT INSERT ON retention_run_item TO brygga_retention;
GRANT SELECT ON retention_run_event, retention_run_record, retention_run_item_record TO brygga_app, brygga_retention;
