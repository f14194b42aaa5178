-- Issue 14: a command and its access-log rows commit in one transaction; retried commands
-- answer their first result; a log write waits for the month's chain lock for a bounded
-- time only.

-- Idempotency keys of workflow commands. A retried command with the same key (and the
-- same input) answers the first result instead of acting twice; the same key with another
-- input is refused (IDEMPOTENCY_CONFLICT). Scoped by the acting user and unit, so one
-- client's key never answers another's command. Written in the command's own
-- transaction, so a key exists exactly when its command committed.
CREATE TABLE idempotency_key (
  scope text NOT NULL,
  key text NOT NULL CHECK (length(key) BETWEEN 1 AND 200),
  operation text NOT NULL,
  input_hash text NOT NULL CHECK (input_hash ~ '^[0-9a-f]{64}$'),
  case_id uuid NOT NULL,
  created_at timestamptz(3) NOT NULL,
  PRIMARY KEY (scope, key)
);
-- No foreign key to the case: retention's purge of a case is not held up by its keys. A
-- key holds no personal data (a case id and a hash); a replay of a purged case's command
-- answers CASE_NOT_FOUND.
GRANT SELECT, INSERT ON idempotency_key TO brygga_app;

-- access_log_append gains `lock_wait_ms`: how long the call may wait for a lock (the
-- month's advisory chain lock, a lock on the partition) before it fails with
-- lock_not_available (55P03). Set as lock_timeout for the call only: the function's own
-- SET clauses make PostgreSQL restore it when the call returns. NULL: no bound, as before.
-- Otherwise the body is that of 20261125000500_performance: same rows, same hashes.
DROP FUNCTION access_log_append(timestamptz, jsonb);
CREATE FUNCTION access_log_append(access_time timestamptz, entries jsonb, lock_wait_ms integer DEFAULT NULL)
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
      CASE WHEN i.case_id IS NOT NULL THEN NOT EXISTS (
        SELECT 1 FROM case_party cp JOIN unit u ON u.id = cp.unit_id
        WHERE cp.case_id = i.case_id AND cp.left_at IS NULL AND u.hsa_id = i.unit_hsa_id)
      ELSE NOT EXISTS (
        SELECT 1 FROM case_party cp JOIN unit u ON u.id = cp.unit_id
        JOIN "case" c ON c.id = cp.case_id
        WHERE c.patient_id = i.patient_id AND cp.left_at IS NULL AND u.hsa_id = i.unit_hsa_id)
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
  RETURN written;
END
$$;
