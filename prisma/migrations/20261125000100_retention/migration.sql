-- Retention (gallring): the information owners' policies, legal holds, purge runs and
-- their records (gallringsprotokoll), and the one controlled exception to the append-only
-- tables: a purge role that may delete what a policy says may no longer be kept.
-- Reviewed SQL; prisma/retention.prisma describes the same tables. src/retention explains
-- the design (src/retention/README.md).

CREATE TYPE retention_record_class AS ENUM ('CASE', 'INVOICE_BASIS', 'ACCESS_LOG',
  'IDENTITY_EVENT', 'REPLAY_CACHE', 'SESSION', 'PATIENT_IDENTITY');
CREATE TYPE retention_run_mode AS ENUM ('PURGE', 'DRY_RUN');
CREATE TYPE retention_run_status AS ENUM ('RUNNING', 'SUCCEEDED', 'FAILED');
CREATE TYPE legal_hold_target AS ENUM ('CASE', 'PATIENT', 'ORGANIZATION');

-- A retention decision: how long one class of records is kept after its anchor (a case's
-- last entry, an invoice's fiscal year end, an access-log month's end, a session's end...),
-- for one organisation, or as the default for a kind of organisation, or for all. A new
-- decision supersedes the previous one, which stays: purge records point at the policy
-- they applied.
CREATE TABLE retention_policy (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  record_class retention_record_class NOT NULL,
  organization_id uuid REFERENCES organization (id),
  organization_kind organization_kind,
  retain_months integer NOT NULL CHECK (retain_months BETWEEN 0 AND 1200),
  retain_days integer NOT NULL DEFAULT 0 CHECK (retain_days BETWEEN 0 AND 36500),
  -- Days of the month of birth whose records are kept for research (social services:
  -- people born on the 5th, 15th and 25th).
  keep_birth_days integer[] NOT NULL DEFAULT '{}'
    CHECK (keep_birth_days <@ ARRAY[1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31]),
  -- The decision implemented: body, date and reference (diarienummer), or the law.
  decision text NOT NULL CHECK (length(trim(decision)) BETWEEN 5 AND 500),
  decided_by_hsa_id text,
  decided_by_name text,
  created_at timestamptz(3) NOT NULL DEFAULT now(),
  superseded_at timestamptz(3),
  CHECK (organization_id IS NULL OR organization_kind IS NULL),
  -- The system's own records have one policy for all; only shared records are per owner.
  CHECK (record_class IN ('CASE', 'INVOICE_BASIS', 'ACCESS_LOG')
         OR (organization_id IS NULL AND organization_kind IS NULL)),
  CHECK (record_class <> 'PATIENT_IDENTITY'),
  -- Legal minimums: access logs at least five years (HSLF-FS 2016:40), accounting records
  -- seven years after the fiscal year (bokföringslagen 7 kap. 2 §).
  CHECK (record_class <> 'ACCESS_LOG' OR retain_months >= 60),
  CHECK (record_class <> 'INVOICE_BASIS' OR retain_months >= 84),
  CHECK (cardinality(keep_birth_days) = 0 OR record_class = 'CASE')
);
CREATE UNIQUE INDEX retention_policy_current_unique
  ON retention_policy (record_class, organization_id, organization_kind) NULLS NOT DISTINCT
  WHERE superseded_at IS NULL;

-- The defaults of DOMAIN.md ("Retention"), until each information owner decides.
INSERT INTO retention_policy (record_class, organization_kind, retain_months, keep_birth_days, decision) VALUES
  ('CASE', 'MUNICIPALITY', 60, '{5,15,25}',
   'Default: social-services case files are purged five years after the last entry; people born on the 5th, 15th and 25th are kept for research'),
  ('CASE', 'DISTRICT', 60, '{5,15,25}',
   'Default: social-services case files are purged five years after the last entry; people born on the 5th, 15th and 25th are kept for research'),
  ('CASE', 'CARE_PROVIDER', 120, '{}',
   'Default: ten years after the last entry, as a patient journal (PDL 3 kap. 17 §), until the care provider''s records plan decides');
INSERT INTO retention_policy (record_class, retain_months, retain_days, decision) VALUES
  ('INVOICE_BASIS', 84, 0, 'Bokföringslagen 7 kap. 2 §: accounting records are kept seven years after the end of the fiscal year'),
  ('ACCESS_LOG', 60, 0, 'HSLF-FS 2016:40 4 kap.: access logs are kept at least five years'),
  ('IDENTITY_EVENT', 60, 0, 'Default: login and administration events are kept as long as the access log'),
  ('SESSION', 0, 90, 'Default: a login session is kept 90 days after it ended, for support and incident questions'),
  ('REPLAY_CACHE', 0, 1, 'Default: SAML replay and request identifiers are kept one day after they expire');

-- A legal hold (bevarandebeslut, tvist, tillsyn): while active, nothing of its target is
-- purged. No foreign keys to case and patient: the hold is a record of a decision and
-- outlives a target purged after its release.
CREATE TABLE legal_hold (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  target legal_hold_target NOT NULL,
  case_id uuid,
  patient_id uuid,
  organization_id uuid REFERENCES organization (id),
  reason text NOT NULL CHECK (length(trim(reason)) BETWEEN 10 AND 2000),
  reference text CHECK (length(reference) <= 200),
  -- The organisation whose information owner placed it.
  placed_for_organization_id uuid NOT NULL REFERENCES organization (id),
  placed_by_hsa_id hsa_id NOT NULL,
  placed_by_name text NOT NULL,
  placed_at timestamptz(3) NOT NULL DEFAULT now(),
  released_at timestamptz(3),
  released_by_hsa_id hsa_id,
  released_reason text,
  CHECK ((target = 'CASE') = (case_id IS NOT NULL)),
  CHECK ((target = 'PATIENT') = (patient_id IS NOT NULL)),
  CHECK ((target = 'ORGANIZATION') = (organization_id IS NOT NULL)),
  CHECK ((released_at IS NULL) = (released_by_hsa_id IS NULL)),
  CHECK ((released_at IS NULL) = (released_reason IS NULL))
);
CREATE INDEX legal_hold_active_case_idx ON legal_hold (case_id) WHERE released_at IS NULL;
CREATE INDEX legal_hold_active_patient_idx ON legal_hold (patient_id) WHERE released_at IS NULL;
CREATE INDEX legal_hold_active_organization_idx ON legal_hold (organization_id) WHERE released_at IS NULL;

-- One run of the retention job: the calendar day (Europe/Stockholm) its rules were applied
-- for is fixed at start, so a run resumed after a crash applies exactly the same cut-offs.
CREATE TABLE retention_run (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  mode retention_run_mode NOT NULL,
  as_of date NOT NULL,
  status retention_run_status NOT NULL,
  started_by text NOT NULL CHECK (length(started_by) BETWEEN 1 AND 200),
  started_at timestamptz(3) NOT NULL DEFAULT now(),
  finished_at timestamptz(3),
  resumed integer NOT NULL DEFAULT 0,
  error text,
  CHECK ((status = 'RUNNING') = (finished_at IS NULL))
);
-- At most one unfinished run: a second runner resumes it instead of starting another.
CREATE UNIQUE INDEX retention_run_one_unfinished ON retention_run ((true)) WHERE status = 'RUNNING';
CREATE INDEX retention_run_started_at_idx ON retention_run (started_at DESC);

-- The purge record (gallringsprotokoll): per run, class and applied policy, how many records
-- went (or, in a dry run, would go), how many were held or kept for research, and the span
-- of their anchor times. Counts only: never what was purged.
CREATE TABLE retention_run_item (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  run_id uuid NOT NULL REFERENCES retention_run (id),
  record_class retention_record_class NOT NULL,
  policy_id uuid REFERENCES retention_policy (id),
  decision text NOT NULL,
  purged bigint NOT NULL DEFAULT 0 CHECK (purged >= 0),
  held bigint NOT NULL DEFAULT 0 CHECK (held >= 0),
  kept_for_research bigint NOT NULL DEFAULT 0 CHECK (kept_for_research >= 0),
  -- Rows per table behind the count (a case's events, plans, notes...).
  rows jsonb NOT NULL DEFAULT '{}',
  earliest timestamptz(3),
  latest timestamptz(3)
);
CREATE UNIQUE INDEX retention_run_item_unique
  ON retention_run_item (run_id, record_class, policy_id) NULLS NOT DISTINCT;

-- What retention itself leaves is never removed: policies are superseded, holds released,
-- and the purge record is only ever added to.
CREATE TRIGGER retention_run_item_no_truncate BEFORE TRUNCATE ON retention_run_item
  FOR EACH STATEMENT EXECUTE FUNCTION brygga_refuse_change();
CREATE TRIGGER retention_run_item_no_delete BEFORE DELETE ON retention_run_item
  FOR EACH ROW EXECUTE FUNCTION brygga_refuse_change();
CREATE TRIGGER retention_run_no_delete BEFORE DELETE ON retention_run
  FOR EACH ROW EXECUTE FUNCTION brygga_refuse_change();
CREATE TRIGGER retention_policy_no_delete BEFORE DELETE ON retention_policy
  FOR EACH ROW EXECUTE FUNCTION brygga_refuse_change();
CREATE TRIGGER legal_hold_no_delete BEFORE DELETE ON legal_hold
  FOR EACH ROW EXECUTE FUNCTION brygga_refuse_change();

-- The purge role. The retention job acts as it (SET LOCAL ROLE) for every batch; the API
-- role is not a member and can never become it.
DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'brygga_retention') THEN
    CREATE ROLE brygga_retention NOLOGIN;
  END IF;
END
$$;
GRANT brygga_retention TO CURRENT_USER;
GRANT USAGE ON SCHEMA public TO brygga_retention;

-- The append-only rule, with its one exception: the purge role may delete rows of the
-- tables retention purges (never the access log, whose partitions are dropped whole after
-- sealing, and never the purge record), and may clear an invoice line's pointers into a
-- purged case, nothing else of it.
CREATE OR REPLACE FUNCTION brygga_refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF current_user = 'brygga_retention' THEN
    IF TG_OP = 'DELETE' AND TG_TABLE_NAME IN ('case_event', 'case_event_recipient',
        'case_event_acknowledgement', 'care_plan', 'care_plan_version', 'care_plan_item',
        'care_plan_participant', 'note', 'invoice_line', 'emergency_access', 'identity_event') THEN
      RETURN OLD;
    END IF;
    IF TG_OP = 'UPDATE' AND TG_TABLE_NAME = 'invoice_line'
       AND (to_jsonb(NEW) - 'case_id' - 'event_ids') = (to_jsonb(OLD) - 'case_id' - 'event_ids')
       AND NEW.case_id IS NULL AND cardinality(NEW.event_ids) = 0 THEN
      RETURN NEW;
    END IF;
  END IF;
  RAISE EXCEPTION 'table % is append-only: % refused', TG_TABLE_NAME, TG_OP
    USING ERRCODE = 'insufficient_privilege';
END
$$;

-- Removes a batch of cases with everything that hangs on them, in foreign-key order, and
-- the identities of their patients that nothing retained refers to any more. Runs with
-- the caller's rights: only the purge role has the grants (and passes the trigger).
-- Invoice lines stay for accounting, keeping their amounts, days and the case reference
-- in the description, but lose their pointers into the purged case and its events.
CREATE FUNCTION retention_purge_cases(case_ids uuid[]) RETURNS jsonb
LANGUAGE plpgsql SECURITY INVOKER SET search_path = pg_catalog, public AS $$
DECLARE
  counts jsonb := '{}';
  n bigint;
  patients uuid[];
  events uuid[];
  plans uuid[];
  versions uuid[];
BEGIN
  -- Ids first, then one index lookup per row (= ANY of an array): a join here would let
  -- the planner hash a whole table for a few hundred rows.
  SELECT array_agg(DISTINCT patient_id) INTO patients FROM "case" WHERE id = ANY (case_ids);
  SELECT coalesce(array_agg(id), '{}') INTO events FROM case_event WHERE case_id = ANY (case_ids);
  SELECT coalesce(array_agg(id), '{}') INTO plans FROM care_plan WHERE case_id = ANY (case_ids);
  SELECT coalesce(array_agg(id), '{}') INTO versions FROM care_plan_version WHERE care_plan_id = ANY (plans);

  DELETE FROM case_event_acknowledgement WHERE event_id = ANY (events);
  GET DIAGNOSTICS n = ROW_COUNT; counts := counts || jsonb_build_object('case_event_acknowledgement', n);
  DELETE FROM case_event_recipient WHERE event_id = ANY (events);
  GET DIAGNOSTICS n = ROW_COUNT; counts := counts || jsonb_build_object('case_event_recipient', n);
  UPDATE invoice_line SET case_id = NULL, event_ids = '{}' WHERE case_id = ANY (case_ids);
  GET DIAGNOSTICS n = ROW_COUNT; counts := counts || jsonb_build_object('invoice_line_detached', n);
  DELETE FROM case_event WHERE id = ANY (events);
  GET DIAGNOSTICS n = ROW_COUNT; counts := counts || jsonb_build_object('case_event', n);
  DELETE FROM care_plan_item WHERE version_id = ANY (versions);
  GET DIAGNOSTICS n = ROW_COUNT; counts := counts || jsonb_build_object('care_plan_item', n);
  DELETE FROM care_plan_participant WHERE version_id = ANY (versions);
  GET DIAGNOSTICS n = ROW_COUNT; counts := counts || jsonb_build_object('care_plan_participant', n);
  DELETE FROM care_plan_version WHERE id = ANY (versions);
  GET DIAGNOSTICS n = ROW_COUNT; counts := counts || jsonb_build_object('care_plan_version', n);
  DELETE FROM care_plan WHERE id = ANY (plans);
  GET DIAGNOSTICS n = ROW_COUNT; counts := counts || jsonb_build_object('care_plan', n);
  DELETE FROM note WHERE case_id = ANY (case_ids);
  GET DIAGNOSTICS n = ROW_COUNT; counts := counts || jsonb_build_object('note', n);
  DELETE FROM emergency_access WHERE case_id = ANY (case_ids);
  GET DIAGNOSTICS n = ROW_COUNT; counts := counts || jsonb_build_object('emergency_access', n);
  DELETE FROM case_party WHERE case_id = ANY (case_ids);
  GET DIAGNOSTICS n = ROW_COUNT; counts := counts || jsonb_build_object('case_party', n);
  DELETE FROM "case" WHERE id = ANY (case_ids);
  GET DIAGNOSTICS n = ROW_COUNT; counts := counts || jsonb_build_object('case', n);
  -- A patient goes with the last case that referred to them, unless a hold keeps them.
  DELETE FROM patient_block b WHERE b.patient_id = ANY (patients)
    AND NOT EXISTS (SELECT 1 FROM "case" c WHERE c.patient_id = b.patient_id)
    AND NOT EXISTS (SELECT 1 FROM legal_hold h WHERE h.released_at IS NULL AND h.patient_id = b.patient_id);
  GET DIAGNOSTICS n = ROW_COUNT; counts := counts || jsonb_build_object('patient_block', n);
  DELETE FROM patient p WHERE p.id = ANY (patients)
    AND NOT EXISTS (SELECT 1 FROM "case" c WHERE c.patient_id = p.id)
    AND NOT EXISTS (SELECT 1 FROM legal_hold h WHERE h.released_at IS NULL AND h.patient_id = p.id);
  GET DIAGNOSTICS n = ROW_COUNT; counts := counts || jsonb_build_object('patient', n);
  RETURN counts;
END
$$;
REVOKE ALL ON FUNCTION retention_purge_cases(uuid[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION retention_purge_cases(uuid[]) TO brygga_retention;

-- Removes a batch of invoices (the accounting basis) with their lines.
CREATE FUNCTION retention_purge_invoices(invoice_ids uuid[]) RETURNS jsonb
LANGUAGE plpgsql SECURITY INVOKER SET search_path = pg_catalog, public AS $$
DECLARE
  lines bigint;
  invoices bigint;
BEGIN
  DELETE FROM invoice_line WHERE invoice_id = ANY (invoice_ids);
  GET DIAGNOSTICS lines = ROW_COUNT;
  DELETE FROM invoice WHERE id = ANY (invoice_ids);
  GET DIAGNOSTICS invoices = ROW_COUNT;
  RETURN jsonb_build_object('invoice_line', lines, 'invoice', invoices);
END
$$;
REVOKE ALL ON FUNCTION retention_purge_invoices(uuid[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION retention_purge_invoices(uuid[]) TO brygga_retention;

-- Sums two {"table": count} objects key by key: a purge record's rows grow batch by batch.
CREATE FUNCTION retention_add_counts(a jsonb, b jsonb) RETURNS jsonb
LANGUAGE sql IMMUTABLE AS $$
  SELECT coalesce(jsonb_object_agg(k, coalesce((a ->> k)::bigint, 0) + coalesce((b ->> k)::bigint, 0)), '{}')
  FROM (SELECT jsonb_object_keys(coalesce(a, '{}') || coalesce(b, '{}')) AS k) keys
$$;

-- Candidate search: closed cases in closing order (a case's last entry is never before it
-- was closed, so closed_at bounds the search).
CREATE INDEX case_closed_at_idx ON "case" (closed_at, id) WHERE closed_at IS NOT NULL;
CREATE INDEX invoice_period_idx ON invoice (period);
-- Foreign-key checks when a patient goes (the block's unique index is partial).
CREATE INDEX patient_block_patient_id_idx ON patient_block (patient_id);
CREATE INDEX identity_session_expires_at_idx ON identity_session (expires_at);

GRANT SELECT ON ALL TABLES IN SCHEMA public TO brygga_retention;
GRANT DELETE ON case_event, case_event_recipient, case_event_acknowledgement, care_plan,
  care_plan_version, care_plan_item, care_plan_participant, note, emergency_access,
  case_party, "case", patient, patient_block, invoice, invoice_line, identity_event,
  identity_session, identity_saml_replay, identity_saml_request TO brygga_retention;
GRANT UPDATE (case_id, event_ids) ON invoice_line TO brygga_retention;
GRANT INSERT, UPDATE ON retention_run, retention_run_item TO brygga_retention;

-- The API: information owners decide policies and holds; everyone granted RETENTION reads
-- them and the records. Superseding a policy and releasing a hold are the only changes.
GRANT SELECT, INSERT ON retention_policy, legal_hold TO brygga_app;
GRANT UPDATE (superseded_at) ON retention_policy TO brygga_app;
GRANT UPDATE (released_at, released_by_hsa_id, released_reason) ON legal_hold TO brygga_app;
GRANT SELECT ON retention_run, retention_run_item TO brygga_app;
-- Expired SAML replay and request entries are retention's now (class REPLAY_CACHE).
REVOKE DELETE ON identity_saml_replay, identity_saml_request FROM brygga_app;
