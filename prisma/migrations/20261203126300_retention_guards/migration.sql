-- Guards in the database (issue 16, item 3): the purge functions themselves refuse a
-- record that a legal hold keeps or that is not yet due under the policy in force, so a
-- bug in the runner or a stolen purge login cannot purge it. They now run with their
-- owner's rights (SECURITY DEFINER) and the purge role loses its DELETE rights on what
-- they remove: the only way to purge a case or an invoice is through its guarded
-- function. The system records the purge role still deletes directly are guarded by
-- trigger (identity events) or hold nothing personal beyond their policy (sessions,
-- replay entries, which have no hold and are checked by the runner).
--
-- "Due" is judged for today (Europe/Stockholm): a run's day is never after today, so
-- whatever is due on the run's day is due today, and nothing not due today passes.

CREATE FUNCTION retention_today() RETURNS date
LANGUAGE sql STABLE SET search_path = pg_catalog AS $$
  SELECT (now() AT TIME ZONE 'Europe/Stockholm')::date
$$;

-- The policy in force for each organisation and class, resolved as
-- src/domain/retention/policy-resolution.ts does: its own, its kind's, everyone's.
CREATE FUNCTION retention_rules_in_force(p_class retention_record_class)
RETURNS TABLE (organization_id uuid, policy_id uuid, months integer, days integer, keep integer[])
LANGUAGE sql STABLE SET search_path = pg_catalog, public AS $$
  SELECT o.id, p.id, p.retain_months, p.retain_days, p.keep_birth_days
  FROM organization o
  CROSS JOIN LATERAL (
    SELECT p.* FROM retention_policy p
    WHERE p.record_class = p_class AND p.superseded_at IS NULL
      AND (p.organization_id = o.id OR p.organization_kind = o.kind
           OR (p.organization_id IS NULL AND p.organization_kind IS NULL))
    ORDER BY (p.organization_id IS NOT NULL) DESC, (p.organization_kind IS NOT NULL) DESC
    LIMIT 1
  ) p
$$;

-- The cases among `p_case_ids` that may not be purged on `p_as_of`, with the reason: not
-- closed, held (case, patient, an owner or its parent), not due for every owner (an
-- owner without a policy keeps it), or kept for research by an owner. The same judgement
-- as src/retention/steps/cases.ts, with the policies in force instead of the run's.
CREATE FUNCTION retention_cases_refused(p_case_ids uuid[], p_as_of date)
RETURNS TABLE (case_id uuid, reason text)
LANGUAGE sql STABLE SET search_path = pg_catalog, public AS $$
WITH rule AS (
  SELECT * FROM retention_rules_in_force('CASE')
), candidate AS (
  SELECT c.id, c.patient_id, c.closed_at, p.personal_identity_number AS pin,
    greatest(c.updated_at, c.closed_at,
      (SELECT max(e.occurred_at) FROM case_event e WHERE e.case_id = c.id),
      (SELECT max(n.created_at) FROM note n WHERE n.case_id = c.id),
      (SELECT max(v.created_at) FROM care_plan cp
         JOIN care_plan_version v ON v.care_plan_id = cp.id WHERE cp.case_id = c.id)
    ) AS last_entry_at
  FROM "case" c JOIN patient p ON p.id = c.patient_id
  WHERE c.id = ANY (p_case_ids)
), owner AS (
  SELECT DISTINCT k.id AS case_id, o.organization_id
  FROM candidate k CROSS JOIN LATERAL (
    SELECT u.organization_id FROM case_party cp JOIN unit u ON u.id = cp.unit_id WHERE cp.case_id = k.id
    UNION
    SELECT n.author_organization_id FROM note n WHERE n.case_id = k.id
  ) o
), judged AS (
  SELECT k.id, k.patient_id, k.closed_at,
    coalesce(max(kept.through) < p_as_of AND bool_and(r.policy_id IS NOT NULL), false) AS due,
    coalesce(bool_or((CASE WHEN substr(k.pin, 7, 2)::int > 60 THEN substr(k.pin, 7, 2)::int - 60
                           ELSE substr(k.pin, 7, 2)::int END) = ANY (r.keep)), false) AS research
  FROM candidate k
  LEFT JOIN owner o ON o.case_id = k.id
  LEFT JOIN rule r ON r.organization_id = o.organization_id
  LEFT JOIN LATERAL (
    SELECT ((k.last_entry_at AT TIME ZONE 'Europe/Stockholm')::date
            + make_interval(months => r.months, days => r.days))::date AS through
  ) kept ON r.policy_id IS NOT NULL
  GROUP BY k.id, k.patient_id, k.closed_at
), verdict AS (
  SELECT j.id,
    CASE
      WHEN j.closed_at IS NULL THEN 'not closed'
      WHEN EXISTS (
        SELECT 1 FROM legal_hold h
        WHERE h.released_at IS NULL AND (
          h.case_id = j.id OR h.patient_id = j.patient_id
          OR h.organization_id IN (
            SELECT o.organization_id FROM owner o WHERE o.case_id = j.id
            UNION
            SELECT org.parent_id FROM owner o JOIN organization org ON org.id = o.organization_id
            WHERE o.case_id = j.id))) THEN 'held'
      WHEN NOT j.due THEN 'not due under the policy in force'
      WHEN j.research THEN 'kept for research'
    END AS reason
  FROM judged j
)
SELECT id, reason FROM verdict WHERE reason IS NOT NULL
$$;

-- The invoices among `p_ids` that may not be purged on `p_as_of`: held (a party, its
-- parent, a case or patient it charged for) or not yet due for both parties.
CREATE FUNCTION retention_invoices_refused(p_ids uuid[], p_as_of date)
RETURNS TABLE (invoice_id uuid, reason text)
LANGUAGE sql STABLE SET search_path = pg_catalog, public AS $$
WITH rule AS (
  SELECT * FROM retention_rules_in_force('INVOICE_BASIS')
), judged AS (
  SELECT i.id, i.debtor_id, i.creditor_id,
    coalesce(max(kept.through) < p_as_of
      AND count(r.policy_id) = CASE WHEN i.debtor_id = i.creditor_id THEN 1 ELSE 2 END, false) AS due
  FROM invoice i
  LEFT JOIN rule r ON r.organization_id IN (i.debtor_id, i.creditor_id)
  LEFT JOIN LATERAL (
    SELECT (make_date(extract(year FROM i.period)::int, 12, 31)
            + make_interval(months => r.months, days => r.days))::date AS through
  ) kept ON r.policy_id IS NOT NULL
  WHERE i.id = ANY (p_ids)
  GROUP BY i.id
), verdict AS (
  SELECT j.id,
    CASE
      WHEN EXISTS (
        SELECT 1 FROM legal_hold h
        WHERE h.released_at IS NULL AND (
          h.organization_id IN (j.debtor_id, j.creditor_id)
          OR h.organization_id IN (SELECT parent_id FROM organization WHERE id IN (j.debtor_id, j.creditor_id))
          OR h.case_id IN (SELECT l.case_id FROM invoice_line l WHERE l.invoice_id = j.id)
          OR h.patient_id IN (SELECT c.patient_id FROM invoice_line l JOIN "case" c ON c.id = l.case_id
                              WHERE l.invoice_id = j.id))) THEN 'held'
      WHEN NOT j.due THEN 'not due under the policy in force'
    END AS reason
  FROM judged j
)
SELECT id, reason FROM verdict WHERE reason IS NOT NULL
$$;

-- Is an identity event (login, administration) due under the IDENTITY_EVENT policy in force?
CREATE FUNCTION retention_identity_event_due(p_occurred_at timestamptz) RETURNS boolean
LANGUAGE sql STABLE SET search_path = pg_catalog, public AS $$
  SELECT coalesce((
    SELECT ((p_occurred_at AT TIME ZONE 'Europe/Stockholm')::date
            + make_interval(months => p.retain_months, days => p.retain_days))::date < retention_today()
    FROM retention_policy p
    WHERE p.record_class = 'IDENTITY_EVENT' AND p.superseded_at IS NULL
      AND p.organization_id IS NULL AND p.organization_kind IS NULL), false)
$$;

-- The append-only rule and its exceptions, now: deletions inside a guarded purge function
-- (which sets brygga.retention_purge for its own statements; only the owner, who runs
-- those functions, holds DELETE rights on these tables to begin with), identity events
-- the purge role deletes once due, and an invoice line's pointers into a purged case.
CREATE OR REPLACE FUNCTION brygga_refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  guarded boolean := current_setting('brygga.retention_purge', true) = 'guarded';
BEGIN
  IF guarded AND TG_OP = 'DELETE' AND TG_TABLE_NAME IN ('case_event', 'case_event_recipient',
      'case_event_acknowledgement', 'care_plan', 'care_plan_version', 'care_plan_item',
      'care_plan_participant', 'note', 'invoice_line', 'emergency_access') THEN
    RETURN OLD;
  END IF;
  -- Nested: PL/pgSQL does not promise to skip NEW.case_id on other tables.
  IF (guarded OR current_user = 'brygga_retention') AND TG_OP = 'UPDATE'
     AND TG_TABLE_NAME = 'invoice_line' THEN
    IF (to_jsonb(NEW) - 'case_id' - 'event_ids') = (to_jsonb(OLD) - 'case_id' - 'event_ids')
       AND NEW.case_id IS NULL AND cardinality(NEW.event_ids) = 0 THEN
      RETURN NEW;
    END IF;
  END IF;
  IF current_user = 'brygga_retention' AND TG_OP = 'DELETE' AND TG_TABLE_NAME = 'identity_event' THEN
    IF retention_identity_event_due(OLD.occurred_at) THEN
      RETURN OLD;
    END IF;
    RAISE EXCEPTION 'identity event % is not due under the policy in force: DELETE refused', OLD.id
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  RAISE EXCEPTION 'table % is append-only: % refused', TG_TABLE_NAME, TG_OP
    USING ERRCODE = 'insufficient_privilege';
END
$$;

CREATE OR REPLACE FUNCTION retention_purge_cases(case_ids uuid[]) RETURNS jsonb
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
DECLARE
  counts jsonb := '{}';
  n bigint;
  patients uuid[];
  events uuid[];
  plans uuid[];
  versions uuid[];
  refused text;
BEGIN
  SELECT string_agg(f.case_id || ' (' || f.reason || ')', ', ' ORDER BY f.case_id) INTO refused
  FROM retention_cases_refused(case_ids, retention_today()) f;
  IF refused IS NOT NULL THEN
    RAISE EXCEPTION 'retention refuses to purge case(s) %', refused USING ERRCODE = 'check_violation';
  END IF;
  PERFORM set_config('brygga.retention_purge', 'guarded', true);
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
  PERFORM set_config('brygga.retention_purge', '', true);
  RETURN counts;
END
$$;

CREATE OR REPLACE FUNCTION retention_purge_invoices(invoice_ids uuid[]) RETURNS jsonb
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
DECLARE
  lines bigint;
  invoices bigint;
  refused text;
BEGIN
  SELECT string_agg(f.invoice_id || ' (' || f.reason || ')', ', ' ORDER BY f.invoice_id) INTO refused
  FROM retention_invoices_refused(invoice_ids, retention_today()) f;
  IF refused IS NOT NULL THEN
    RAISE EXCEPTION 'retention refuses to purge invoice(s) %', refused USING ERRCODE = 'check_violation';
  END IF;
  PERFORM set_config('brygga.retention_purge', 'guarded', true);
  DELETE FROM invoice_line WHERE invoice_id = ANY (invoice_ids);
  GET DIAGNOSTICS lines = ROW_COUNT;
  DELETE FROM invoice WHERE id = ANY (invoice_ids);
  GET DIAGNOSTICS invoices = ROW_COUNT;
  PERFORM set_config('brygga.retention_purge', '', true);
  RETURN jsonb_build_object('invoice_line', lines, 'invoice', invoices);
END
$$;

REVOKE ALL ON FUNCTION retention_purge_cases(uuid[]), retention_purge_invoices(uuid[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION retention_purge_cases(uuid[]), retention_purge_invoices(uuid[]) TO brygga_retention;
REVOKE DELETE ON case_event, case_event_recipient, case_event_acknowledgement, care_plan,
  care_plan_version, care_plan_item, care_plan_participant, note, emergency_access,
  case_party, "case", patient, patient_block, invoice, invoice_line FROM brygga_retention;
