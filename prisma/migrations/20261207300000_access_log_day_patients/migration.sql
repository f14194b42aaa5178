-- Issue 17 (d): the log review's "patients that user touched that day" read from a set kept
-- with the log, instead of counted from the log on every page.
--
-- Each row of the review shows how many distinct patients its user touched in its
-- organisation on its Stockholm day. Counted from access_log, a busy user's day is tens of
-- thousands of index and heap rows (today's rows are not all-visible, so even a covering
-- index visits the heap), and every page counts every user and day it shows. The set below
-- holds one row per (user, organisation, Stockholm day, patient) and UTC month, written by
-- access_log_append in the statement that appends the rows, so the count reads one index
-- entry per distinct patient of the day.
--
-- Why a set and not a counter per (user, organisation, day): a Stockholm day can lie in two
-- UTC months (the 1st's first hour or two belong to the previous month's partition), and
-- retention drops whole UTC months. A set keyed by the month too goes with its month and
-- stays exactly a function of the log rows that remain; the count takes the distinct
-- patients over the (at most two) months of the day. A counter would count a patient seen
-- on both sides of that midnight twice, or keep a dropped month's patients.
--
-- Not evidence, and not hashed: the hash chain, the canonical row and the verifier are
-- untouched. It is derived from the log, holds personal data like the log (who touched
-- whom, which day), and so lives and dies with the log's month: partitioned by the same UTC
-- months, created with each log partition by access_log_ensure_partition, dropped with it by
-- the retention job (src/retention/steps/access-log.ts).

CREATE TABLE access_log_day_patient (
  user_hsa_id hsa_id NOT NULL,
  provider_hsa_id hsa_id NOT NULL,
  -- The Stockholm calendar day of the access (the review's day).
  day date NOT NULL,
  patient_id uuid NOT NULL,
  -- The first day of the UTC month of the access: the month of its access_log partition.
  log_month date NOT NULL CHECK (extract(day FROM log_month) = 1),
  PRIMARY KEY (user_hsa_id, provider_hsa_id, day, patient_id, log_month)
) PARTITION BY RANGE (log_month);

-- Its partitions have a schema of their own, as the log's have (and are not log partitions
-- for anything that lists access_log_partition).
CREATE SCHEMA access_log_day_patient_partition;

-- The API role reads the set (the review) and adds to it (access_log_append runs with the
-- caller's rights); nothing else. Retention, as the owner, drops its months.
GRANT SELECT, INSERT ON access_log_day_patient TO brygga_app;

-- The UTC month's partition of access_log and of the set, created when missing: as in
-- 20261124000200_audit, plus the set's partition of the same month, so a month that can
-- take log rows can always take their set rows. Both checked on the fast path: a log
-- partition made before this migration gets its set partition on the next call.
CREATE OR REPLACE FUNCTION access_log_ensure_partition(instant timestamptz) RETURNS text
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public SET timezone = 'UTC' AS $$
DECLARE
  month_start timestamptz := date_trunc('month', instant, 'UTC');
  name text := 'access_log_' || to_char(month_start, 'YYYY_MM');
  qualified text := 'access_log_partition.' || name;
  set_name text := 'access_log_day_patient_' || to_char(month_start, 'YYYY_MM');
  set_qualified text := 'access_log_day_patient_partition.' || set_name;
BEGIN
  IF to_regclass(qualified) IS NOT NULL AND to_regclass(set_qualified) IS NOT NULL THEN
    RETURN qualified;
  END IF;
  PERFORM pg_advisory_xact_lock(730041, 0);
  IF to_regclass(set_qualified) IS NULL THEN
    BEGIN
      EXECUTE format('CREATE TABLE access_log_day_patient_partition.%I
                      PARTITION OF public.access_log_day_patient FOR VALUES FROM (%L) TO (%L)',
                     set_name, month_start::date, (month_start + interval '1 month')::date);
    EXCEPTION WHEN duplicate_table THEN
      NULL;
    END;
  END IF;
  IF to_regclass(qualified) IS NOT NULL THEN
    RETURN qualified;
  END IF;
  BEGIN
    EXECUTE format('CREATE TABLE access_log_partition.%I PARTITION OF public.access_log
                    FOR VALUES FROM (%L) TO (%L)', name, month_start, month_start + interval '1 month');
  EXCEPTION WHEN duplicate_table THEN
    RETURN qualified;
  END;
  -- A second wall against a forked chain: two rows can never share a position.
  EXECUTE format('CREATE UNIQUE INDEX %I ON access_log_partition.%I (chain_position)',
                 name || '_chain_position_key', name);
  EXECUTE format('CREATE TRIGGER access_log_no_truncate BEFORE TRUNCATE ON access_log_partition.%I
                  FOR EACH STATEMENT EXECUTE FUNCTION public.brygga_refuse_change()', name);
  RETURN qualified;
END
$$;
REVOKE ALL ON FUNCTION access_log_ensure_partition(timestamptz) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION access_log_ensure_partition(timestamptz) TO brygga_app;

-- Adds the set rows of log rows just appended: one per user, organisation, Stockholm day
-- and patient (rows without a patient, a register look-up of a non-patient, count for no
-- one, as count(DISTINCT patient_id) never counted them). Called by access_log_append under
-- the month's chain lock; a batch writer of the log must call it the same way, with the rows
-- it inserted. Under the chain lock no insert here ever waits: a key names its log month,
-- and only the holder of that month's lock adds keys of that month. PL/pgSQL, not SQL: a
-- SQL function's INSERT is planned again on every call, PL/pgSQL keeps the plan.
CREATE FUNCTION access_log_day_patient_add(appended access_log[]) RETURNS void
LANGUAGE plpgsql SECURITY INVOKER SET search_path = pg_catalog, public AS $$
BEGIN
  INSERT INTO access_log_day_patient (user_hsa_id, provider_hsa_id, day, patient_id, log_month)
  SELECT DISTINCT r.user_hsa_id, r.provider_hsa_id, (r.time AT TIME ZONE 'Europe/Stockholm')::date,
    r.patient_id, (date_trunc('month', r.time, 'UTC') AT TIME ZONE 'UTC')::date
  FROM unnest(appended) r
  WHERE r.patient_id IS NOT NULL
  ON CONFLICT DO NOTHING;
END
$$;
REVOKE ALL ON FUNCTION access_log_day_patient_add(access_log[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION access_log_day_patient_add(access_log[]) TO brygga_app;

-- The set of one UTC month built from the log rows that month holds: the backfill below,
-- and for rows that reach the log without access_log_append (seed:scale's bulk load, a
-- restore). Idempotent. The owner's only.
CREATE FUNCTION access_log_day_patient_fill(month_start timestamptz) RETURNS bigint
LANGUAGE plpgsql SECURITY INVOKER SET search_path = pg_catalog, public SET timezone = 'UTC' AS $$
DECLARE
  added bigint;
BEGIN
  month_start := date_trunc('month', month_start, 'UTC');
  PERFORM access_log_ensure_partition(month_start);
  INSERT INTO access_log_day_patient (user_hsa_id, provider_hsa_id, day, patient_id, log_month)
  SELECT DISTINCT l.user_hsa_id, l.provider_hsa_id, (l.time AT TIME ZONE 'Europe/Stockholm')::date,
    l.patient_id, month_start::date
  FROM access_log l
  WHERE l.time >= month_start AND l.time < month_start + interval '1 month'
    AND l.patient_id IS NOT NULL
  ON CONFLICT DO NOTHING;
  GET DIAGNOSTICS added = ROW_COUNT;
  RETURN added;
END
$$;
REVOKE ALL ON FUNCTION access_log_day_patient_fill(timestamptz) FROM PUBLIC;

-- access_log_append: the body of 20261203120417_command_access_log, unchanged but for two
-- marked places, the party probes' OFFSET 0 and the statement after the INSERT (same rows,
-- same flags, same hashes, same lock).
CREATE OR REPLACE FUNCTION access_log_append(access_time timestamptz, entries jsonb, lock_wait_ms integer DEFAULT NULL)
RETURNS integer
LANGUAGE plpgsql SECURITY INVOKER SET search_path = pg_catalog, public SET timezone = 'UTC' AS $$
DECLARE
  month_start timestamptz;
  pending access_log[];
  tails text[];
  hashes text[];
  head_position integer;
  head_hash text;
  chain_hash text;
  row_count integer;
  written integer;
BEGIN
  IF lock_wait_ms IS NOT NULL THEN
    PERFORM set_config('lock_timeout', lock_wait_ms || 'ms', true);
  END IF;
  -- The column keeps milliseconds; the hashed text must be exactly what is stored.
  access_time := date_trunc('milliseconds', access_time);
  month_start := date_trunc('month', access_time, 'UTC');
  -- The catalogue, not to_regclass: the API role has no USAGE on the partitions' schema.
  IF NOT EXISTS (SELECT 1 FROM pg_class c JOIN pg_namespace ns ON ns.oid = c.relnamespace
                 WHERE ns.nspname = 'access_log_partition'
                   AND c.relname = 'access_log_' || to_char(month_start, 'YYYY_MM')) THEN
    PERFORM access_log_ensure_partition(access_time);
  END IF;

  WITH input AS (
    SELECT e.*
    FROM ROWS FROM (jsonb_to_recordset(entries) AS (
      activity access_activity, outcome access_outcome, user_hsa_id text, user_name text,
      unit_hsa_id text, provider_hsa_id text, commission_hsa_id text, purpose text,
      patient_id uuid, personal_identity_number text, case_id uuid, categories text[],
      request_id text, operation_name text, emergency_access boolean, out_of_hours boolean
    )) WITH ORDINALITY AS e(activity, outcome, user_hsa_id, user_name, unit_hsa_id,
      provider_hsa_id, commission_hsa_id, purpose, patient_id, personal_identity_number,
      case_id, categories, request_id, operation_name, emergency_access, out_of_hours, n)
  ), facts AS (
    SELECT i.*,
      gen_random_uuid() AS id,
      coalesce(i.personal_identity_number, p.personal_identity_number) AS pin,
      coalesce(p.protected_identity, false) OR 'PROTECTED_IDENTITY' = ANY (i.categories) AS protected,
      -- Not (or no longer) a party: the acting unit is not a current party of the case, or
      -- for an access without a case, of any case of the patient. Two separate probes, so
      -- each uses its index (case_party by case; by unit and patient) instead of an OR.
      -- Issue 17 (d), the second change here: OFFSET 0 keeps each probe a lookup per row.
      -- Without it the cached plan (estimated at 100 entries) hashed the whole of
      -- case_party joined with "case" for every call with a caseless row (each log
      -- review's own row): 67 000 rows, about 200 ms, on the scale data.
      CASE WHEN i.case_id IS NOT NULL THEN NOT EXISTS (
        SELECT 1 FROM case_party cp JOIN unit u ON u.id = cp.unit_id
        WHERE cp.case_id = i.case_id AND cp.left_at IS NULL AND u.hsa_id = i.unit_hsa_id
        OFFSET 0)
      ELSE NOT EXISTS (
        SELECT 1 FROM case_party cp JOIN unit u ON u.id = cp.unit_id
        JOIN "case" c ON c.id = cp.case_id
        WHERE c.patient_id = i.patient_id AND cp.left_at IS NULL AND u.hsa_id = i.unit_hsa_id
        OFFSET 0)
      END AS party_missing
    FROM input i
    LEFT JOIN patient p ON p.id = i.patient_id
  )
  SELECT
    array_agg(ROW(f.id, f.n::integer, access_time, f.activity, f.outcome, f.user_hsa_id, f.user_name,
      f.unit_hsa_id, f.provider_hsa_id, f.commission_hsa_id, f.purpose, f.patient_id, f.pin,
      f.case_id, f.categories, f.request_id, f.operation_name, f.emergency_access, f.protected,
      f.party_missing, f.out_of_hours, NULL::text, NULL::text)::access_log ORDER BY f.n),
    -- The canonical content after id and chain position (src/audit/hash-chain.ts).
    array_agg(concat_ws('|',
        access_log_field(to_char(access_time, 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')),
        access_log_field(f.activity::text), access_log_field(f.outcome::text),
        access_log_field(f.user_hsa_id), access_log_field(f.user_name),
        access_log_field(f.unit_hsa_id), access_log_field(f.provider_hsa_id),
        access_log_field(f.commission_hsa_id), access_log_field(f.purpose),
        access_log_field(f.patient_id::text), access_log_field(f.pin),
        access_log_field(f.case_id::text), access_log_field(array_to_string(f.categories, ',')),
        access_log_field(f.request_id), access_log_field(f.operation_name),
        access_log_field(f.emergency_access::text), access_log_field(f.protected::text),
        access_log_field(f.party_missing::text), access_log_field(f.out_of_hours::text)
      ) ORDER BY f.n)
    INTO pending, tails
  FROM facts f;
  row_count := coalesce(array_length(pending, 1), 0);
  IF row_count = 0 THEN
    RETURN 0;
  END IF;

  PERFORM pg_advisory_xact_lock(730040, extract(year FROM month_start)::int * 100 + extract(month FROM month_start)::int);
  SELECT l.chain_position, l.hash INTO head_position, head_hash
    FROM access_log l
    WHERE l.time >= month_start AND l.time < month_start + interval '1 month'
    ORDER BY l.chain_position DESC LIMIT 1;
  head_position := coalesce(head_position, 0);
  head_hash := coalesce(head_hash, access_log_genesis_hash(month_start));

  -- hash = sha256(previous hash || canonical content); id and position are plain ASCII.
  chain_hash := head_hash;
  FOR k IN 1 .. row_count LOOP
    chain_hash := encode(sha256(convert_to(
      chain_hash || access_log_field((pending[k]).id::text) || '|'
        || access_log_field((head_position + k)::text) || '|' || tails[k], 'UTF8')), 'hex');
    hashes[k] := chain_hash;
  END LOOP;

  INSERT INTO access_log (id, chain_position, time, activity, outcome, user_hsa_id, user_name,
    unit_hsa_id, provider_hsa_id, commission_hsa_id, purpose, patient_id,
    personal_identity_number, case_id, categories, request_id, operation_name,
    emergency_access, protected_identity, not_a_party, out_of_hours, prev_hash, hash)
  SELECT r.id, head_position + r.k::integer, r.time, r.activity, r.outcome, r.user_hsa_id,
    r.user_name, r.unit_hsa_id, r.provider_hsa_id, r.commission_hsa_id, r.purpose, r.patient_id,
    r.personal_identity_number, r.case_id, r.categories, r.request_id, r.operation_name,
    r.emergency_access, r.protected_identity, r.not_a_party, r.out_of_hours,
    CASE WHEN r.k = 1 THEN head_hash ELSE hashes[r.k - 1] END, hashes[r.k]
  FROM unnest(pending) WITH ORDINALITY AS r(id, chain_position, time, activity, outcome,
    user_hsa_id, user_name, unit_hsa_id, provider_hsa_id, commission_hsa_id, purpose,
    patient_id, personal_identity_number, case_id, categories, request_id, operation_name,
    emergency_access, protected_identity, not_a_party, out_of_hours, prev_hash, hash, k)
  ORDER BY r.k;
  GET DIAGNOSTICS written = ROW_COUNT;
  -- Issue 17 (d), the only change to this function: the review's per-day patient set,
  -- under the chain lock just held and in the same transaction as the rows (hashes and
  -- chain positions are not part of it).
  PERFORM access_log_day_patient_add(pending);
  RETURN written;
END
$$;

-- The backfill: every month partition attached now (one being detached by a cut-off
-- retention run is on its way out and gets no set).
DO $$
DECLARE
  month text;
BEGIN
  FOR month IN
    SELECT substr(c.relname, length('access_log_') + 1)
    FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
    WHERE i.inhparent = 'public.access_log'::regclass AND NOT i.inhdetachpending
      AND c.relname ~ '^access_log_[0-9]{4}_[0-9]{2}$'
    ORDER BY 1
  LOOP
    PERFORM access_log_day_patient_fill(to_date(month || '_01', 'YYYY_MM_DD')::timestamp AT TIME ZONE 'UTC');
  END LOOP;
END
$$;
ANALYZE access_log_day_patient;
