-- Issue 17: the access log's row ids are time-ordered (the UUID version 7 layout of
-- RFC 9562: the first 48 bits are the Unix time in milliseconds, the rest random), where
-- they were random (version 4).
--
-- Each month partition's primary key is (id, time). A random id puts every new row on a
-- random leaf page of that index: the pages a call touches are spread over the whole
-- index, so they are read into the buffer cache, dirtied and (the first time after each
-- checkpoint) written whole to the WAL, and the further the month's index outgrows the
-- cache the more each row costs. A time-ordered id appends at the index's right edge, as
-- the chain position and the time already do. Measured on seed:scale's data (20 000
-- cases, 2 M log rows) with a 50-row call (a list page) as the API makes it:
-- - `npm run bench:append` (20 alternating rounds of 25 calls each, synchronous_commit
--   off; docs/bench/access-log-append-2026-12-05-time-ordered-ids-scale.json): the
--   backend's CPU 4.20 ms a call against 4.38 for a page read again, 4.36 against 4.78
--   for new patients; a one-row call unchanged (0.68 against 0.64);
-- - pgbench, three alternating rounds of 200 committed calls each: 4.43-4.75 ms a call
--   against 5.07-5.37, the commit's WAL included.
-- The month the calls went to held about 780 000 rows; the gain grows with its index.
--
-- The id stays an opaque UUID: nothing reads meaning from it, the time is in its own
-- column, and the hashed canonical content holds the id as text, whatever its layout, so
-- chains written before and after verify alike (src/audit/verify.ts). Only the id's
-- generation changes below; the rest of access_log_append is the previous migration's.

-- The UUID version 7 layout from gen_random_uuid()'s 16 random bytes (version 4): the
-- first six bytes replaced by the time in milliseconds, big-endian, and the version
-- nibble turned from 0100 into 0111 (bits 52 and 53). The variant bits (10) are version
-- 4's already. clock_timestamp(), not now(): the time of writing, which moves on within a
-- transaction, so a long one's later rows still go to the index's right edge.
CREATE OR REPLACE FUNCTION access_log_new_id() RETURNS uuid
LANGUAGE sql VOLATILE PARALLEL SAFE AS $$
  SELECT encode(
    set_bit(set_bit(
      overlay(uuid_send(gen_random_uuid())
        PLACING substring(int8send((extract(epoch FROM clock_timestamp()) * 1000)::bigint) FROM 3)
        FROM 1 FOR 6),
      52, 1), 53, 1),
    'hex')::uuid
$$;

CREATE OR REPLACE FUNCTION access_log_append(access_time timestamptz, entries jsonb, lock_wait_ms integer DEFAULT NULL)
RETURNS integer
LANGUAGE plpgsql SECURITY INVOKER SET search_path = pg_catalog, public SET timezone = 'UTC' AS $$
DECLARE
  month_start timestamptz;
  time_field text;
  pending access_log[];
  heads text[];
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
  -- The one field every row of the call shares: encoded once, not once per row.
  time_field := access_log_field(to_char(access_time, 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'));
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
      -- Time-ordered (this migration): each row goes to the right edge of the primary key.
      access_log_new_id() AS id,
      coalesce(i.personal_identity_number, p.personal_identity_number) AS pin,
      coalesce(p.protected_identity, false) OR 'PROTECTED_IDENTITY' = ANY (i.categories) AS protected,
      -- Not (or no longer) a party: the acting unit is not a current party of the case, or
      -- for an access without a case, of any case of the patient. Each probe a lookup per
      -- row (OFFSET 0, 20261207300000_access_log_day_patients).
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
    -- Change (1): a lookup per row by the patient's key (OFFSET 0, as the party probes),
    -- where a plain LEFT JOIN's cached plan hashed the whole patient table on every call.
    LEFT JOIN LATERAL (
      SELECT pt.personal_identity_number, pt.protected_identity FROM patient pt
      WHERE pt.id = i.patient_id OFFSET 0
    ) p ON true
  )
  SELECT
    array_agg(ROW(f.id, f.n::integer, access_time, f.activity, f.outcome, f.user_hsa_id, f.user_name,
      f.unit_hsa_id, f.provider_hsa_id, f.commission_hsa_id, f.purpose, f.patient_id, f.pin,
      f.case_id, f.categories, f.request_id, f.operation_name, f.emergency_access, f.protected,
      f.party_missing, f.out_of_hours, NULL::text, NULL::text)::access_log ORDER BY f.n),
    -- The canonical content around the chain position (src/audit/hash-chain.ts): the id's
    -- field before it, and after it the fields from `time` on, each with its separator.
    array_agg(access_log_field(f.id::text) || '|' ORDER BY f.n),
    array_agg('|' || concat_ws('|', time_field,
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
    INTO pending, heads, tails
  FROM facts f;
  row_count := coalesce(array_length(pending, 1), 0);
  IF row_count = 0 THEN
    RETURN 0;
  END IF;

  PERFORM pg_advisory_xact_lock(730040, extract(year FROM month_start)::int * 100 + extract(month FROM month_start)::int);
  -- Change (3): the head read with the month's bounds as constants, planned on each call
  -- (EXECUTE): pruned to the month's partition when planned and costed with its real size.
  -- As a PL/pgSQL statement its plan was kept, a generic plan over every partition that
  -- took the bounds for a narrow range (a default selectivity) and could read the whole
  -- month by a (…, time) index and sort it for the last row: on a fresh database, or a
  -- month started while the session lived, every call read the month so far.
  EXECUTE format('SELECT l.chain_position, l.hash FROM access_log l
                  WHERE l.time >= %L AND l.time < %L ORDER BY l.chain_position DESC LIMIT 1',
                 month_start, month_start + interval '1 month')
    INTO head_position, head_hash;
  head_position := coalesce(head_position, 0);
  head_hash := coalesce(head_hash, access_log_genesis_hash(month_start));

  -- hash = sha256(previous hash || canonical content); the same bytes as before, with the
  -- id's field and the separators taken from the arrays built before the lock.
  chain_hash := head_hash;
  FOR k IN 1 .. row_count LOOP
    chain_hash := encode(sha256(convert_to(
      chain_hash || heads[k] || access_log_field((head_position + k)::text) || tails[k], 'UTF8')), 'hex');
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
  -- Change (2): the per-day patient set's rows, as access_log_day_patient_add adds them
  -- (the log month is the call's, every row has access_time), in this function's own
  -- statement rather than a call to that PL/pgSQL function with its own settings.
  INSERT INTO access_log_day_patient (user_hsa_id, provider_hsa_id, day, patient_id, log_month)
  SELECT DISTINCT r.user_hsa_id, r.provider_hsa_id, (r.time AT TIME ZONE 'Europe/Stockholm')::date,
    r.patient_id, (month_start AT TIME ZONE 'UTC')::date
  FROM unnest(pending) r
  WHERE r.patient_id IS NOT NULL
  ON CONFLICT DO NOTHING;
  RETURN written;
END
$$;
