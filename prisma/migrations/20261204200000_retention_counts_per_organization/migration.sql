-- Issue 16, items 9 and 10.
--
-- Counts per organisation. A purge record's lines are per policy, and many organisations
-- share one (the municipalities' default), so one municipality could not report its own
-- purged counts. retention_run_organization_item appends, beside each line's rows, one
-- row per organisation whose information the batch or census touched: a case counts for
-- every organisation that took part in it (as a party, or by writing a note), an invoice
-- for its debtor and its creditor, an access-log month for each organisation by the
-- provider of its rows. A shared record therefore counts for each of its owners: the
-- organisations' counts add up to more than the line's, by design. Appended and sealed
-- like the rest of the record.
--
-- A skipped run as a warning. A nightly run that finds another run holding the lock left
-- only a log line; retention_warning records it, append-only, for security officers and
-- information owners to read over GraphQL (retentionWarnings).

CREATE TABLE retention_run_organization_item (
  seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  run_id uuid NOT NULL REFERENCES retention_run (id),
  record_class retention_record_class NOT NULL,
  policy_id uuid REFERENCES retention_policy (id),
  organization_id uuid NOT NULL REFERENCES organization (id),
  kind retention_run_item_kind NOT NULL,
  purged bigint NOT NULL DEFAULT 0 CHECK (purged >= 0),
  held bigint NOT NULL DEFAULT 0 CHECK (held >= 0),
  kept_for_research bigint NOT NULL DEFAULT 0 CHECK (kept_for_research >= 0),
  earliest timestamptz(3),
  latest timestamptz(3),
  recorded_at timestamptz(3) NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX retention_run_organization_item_line_idx
  ON retention_run_organization_item (run_id, organization_id, record_class, policy_id, seq);

-- Nothing appended to an ended run (the same trigger as the record's other tables).
CREATE TRIGGER retention_run_organization_item_append BEFORE INSERT ON retention_run_organization_item
  FOR EACH ROW EXECUTE FUNCTION retention_record_append();
CREATE TRIGGER retention_run_organization_item_immutable BEFORE UPDATE OR DELETE ON retention_run_organization_item
  FOR EACH ROW EXECUTE FUNCTION retention_record_immutable();
CREATE TRIGGER retention_run_organization_item_immutable_truncate BEFORE TRUNCATE ON retention_run_organization_item
  FOR EACH STATEMENT EXECUTE FUNCTION retention_record_immutable();

-- The seal covers the organisations' rows too. A run without any (every run sealed before
-- this migration) hashes exactly as before, so earlier seals still verify.
CREATE OR REPLACE FUNCTION retention_run_seal(p_run uuid, p_kind retention_run_event_kind, p_actor text,
  p_login text, p_at timestamptz, p_error text, p_previous text) RETURNS text
LANGUAGE sql STABLE SET search_path = pg_catalog, public AS $$
  SELECT encode(sha256(convert_to(p_previous || '|' || (jsonb_build_object(
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
  ) || coalesce((
    SELECT jsonb_build_object('organizations', jsonb_agg(jsonb_build_array(o.seq, o.kind,
             o.record_class, o.policy_id, o.organization_id, o.purged, o.held, o.kept_for_research,
             retention_utc(o.earliest), retention_utc(o.latest), retention_utc(o.recorded_at))
             ORDER BY o.seq))
    FROM retention_run_organization_item o WHERE o.run_id = p_run HAVING count(*) > 0), '{}'::jsonb)
  )::text, 'UTF8')), 'hex')
$$;

-- An organisation's lines as read: per run, organisation, class and policy, the sum of its
-- BATCH rows plus its latest CENSUS (as retention_run_item_record reads the lines).
CREATE VIEW retention_run_organization_record AS
SELECT (l.run_id::text || ':' || l.organization_id::text || ':' || l.record_class::text || ':'
        || coalesce(l.policy_id::text, '-')) AS id,
       l.run_id, l.organization_id, l.record_class, l.policy_id,
       (coalesce(b.purged, 0) + coalesce(c.purged, 0))::bigint AS purged,
       coalesce(c.held, 0)::bigint AS held,
       coalesce(c.kept_for_research, 0)::bigint AS kept_for_research,
       least(b.earliest, c.earliest) AS earliest,
       greatest(b.latest, c.latest) AS latest
FROM (SELECT DISTINCT run_id, organization_id, record_class, policy_id
      FROM retention_run_organization_item) l
LEFT JOIN LATERAL (
  SELECT sum(x.purged) AS purged, min(x.earliest) AS earliest, max(x.latest) AS latest
  FROM retention_run_organization_item x
  WHERE x.run_id = l.run_id AND x.organization_id = l.organization_id
    AND x.record_class = l.record_class AND x.policy_id IS NOT DISTINCT FROM l.policy_id
    AND x.kind = 'BATCH'
) b ON true
LEFT JOIN LATERAL (
  SELECT x.purged, x.held, x.kept_for_research, x.earliest, x.latest
  FROM retention_run_organization_item x
  WHERE x.run_id = l.run_id AND x.organization_id = l.organization_id
    AND x.record_class = l.record_class AND x.policy_id IS NOT DISTINCT FROM l.policy_id
    AND x.kind = 'CENSUS'
  ORDER BY x.seq DESC LIMIT 1
) c ON true;

GRANT SELECT, INSERT ON retention_run_organization_item TO brygga_retention;
GRANT SELECT ON retention_run_organization_item, retention_run_organization_record TO brygga_app;

CREATE TYPE retention_warning_kind AS ENUM ('RUN_SKIPPED');

-- Something about retention a person must look at, appended by the runner: a nightly run
-- skipped because another run held the lock (who held it, as PostgreSQL saw it).
CREATE TABLE retention_warning (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  kind retention_warning_kind NOT NULL,
  at timestamptz(3) NOT NULL DEFAULT clock_timestamp(),
  -- As the runner names itself: 'scheduler:<job id>'.
  actor text NOT NULL CHECK (length(actor) BETWEEN 1 AND 200),
  login text NOT NULL DEFAULT session_user,
  message text NOT NULL CHECK (length(message) BETWEEN 1 AND 2000),
  -- The run in progress that the skipped run yielded to, when there was one.
  run_id uuid REFERENCES retention_run (id)
);
CREATE INDEX retention_warning_at_idx ON retention_warning (at DESC);
CREATE TRIGGER retention_warning_immutable BEFORE UPDATE OR DELETE ON retention_warning
  FOR EACH ROW EXECUTE FUNCTION retention_record_immutable();
CREATE TRIGGER retention_warning_immutable_truncate BEFORE TRUNCATE ON retention_warning
  FOR EACH STATEMENT EXECUTE FUNCTION retention_record_immutable();
GRANT SELECT ON retention_warning TO brygga_app;
