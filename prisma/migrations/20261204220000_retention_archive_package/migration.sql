-- Hand-over to an e-archive before purging (issue 16, "Hand-over"). A retention decision
-- for cases may say that they are to be archived (bevaras / levereras till arkiv) before
-- they go: the runner then exports each purged case, in the purge transaction and before
-- the deletion, as a package for the e-archive (docs/archive-package.md: a folder with a
-- manifest and SHA-256 checksums), and the purge record names each package
-- (retention_archive_package, appended and sealed with the run).

ALTER TABLE retention_decision ADD COLUMN archive_before_purge boolean NOT NULL DEFAULT false;
ALTER TABLE retention_decision ADD CONSTRAINT retention_decision_archive_cases_only
  CHECK (NOT archive_before_purge OR record_class = 'CASE');

CREATE TABLE retention_archive_package (
  seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  run_id uuid NOT NULL REFERENCES retention_run (id),
  organization_id uuid NOT NULL REFERENCES organization (id),
  decision_id uuid NOT NULL REFERENCES retention_decision (id),
  record_class retention_record_class NOT NULL CHECK (record_class = 'CASE'),
  -- The package's folder name, unique: the e-archive's receipt can name it.
  name text NOT NULL UNIQUE CHECK (name ~ '^[A-Za-z0-9._-]{1,200}$'),
  records integer NOT NULL CHECK (records > 0),
  -- SHA-256 (hex) of the package's manifest.json, which lists every file's SHA-256.
  manifest_sha256 text NOT NULL CHECK (manifest_sha256 ~ '^[0-9a-f]{64}$'),
  recorded_at timestamptz(3) NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX retention_archive_package_run_idx ON retention_archive_package (run_id, seq);
CREATE TRIGGER retention_archive_package_append BEFORE INSERT ON retention_archive_package
  FOR EACH ROW EXECUTE FUNCTION retention_record_append();
CREATE TRIGGER retention_archive_package_immutable BEFORE UPDATE OR DELETE ON retention_archive_package
  FOR EACH ROW EXECUTE FUNCTION retention_record_immutable();
CREATE TRIGGER retention_archive_package_immutable_truncate BEFORE TRUNCATE ON retention_archive_package
  FOR EACH STATEMENT EXECUTE FUNCTION retention_record_immutable();

-- The seal covers the packages too; a run without any hashes exactly as before.
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
    || coalesce((
    SELECT jsonb_build_object('packages', jsonb_agg(jsonb_build_array(a.seq, a.organization_id,
             a.decision_id, a.record_class, a.name, a.records, a.manifest_sha256,
             retention_utc(a.recorded_at)) ORDER BY a.seq))
    FROM retention_archive_package a WHERE a.run_id = p_run HAVING count(*) > 0), '{}'::jsonb)
  )::text, 'UTF8')), 'hex')
$$;

GRANT SELECT, INSERT ON retention_archive_package TO brygga_retention;
GRANT SELECT ON retention_archive_package TO brygga_app;
