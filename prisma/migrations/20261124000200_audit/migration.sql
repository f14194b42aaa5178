-- The PDL access log (HSLF-FS 2016:40 ch. 4): one row per request and patient touched,
-- append-only, partitioned by month and hash-chained per partition; the security
-- officers' samples and review records; seals of retired partitions.
-- Reviewed SQL; prisma/audit.prisma describes the same tables. src/audit explains the
-- design (src/audit/README.md).

CREATE TYPE access_activity AS ENUM ('READ', 'CREATE', 'CHANGE', 'PRINT', 'DELETE',
  'EMERGENCY_ACCESS');
CREATE TYPE access_outcome AS ENUM ('SUCCESS', 'DENIED', 'FAILED');
CREATE TYPE access_review_conclusion AS ENUM ('NO_REMARK', 'FOLLOW_UP', 'INCIDENT');

-- No foreign keys to patient, case or unit: the log must outlive them (a purged patient's
-- accesses stay reviewable for five years), so it keeps the identifiers and a snapshot of
-- the personnummer instead. The primary key includes `time` because PostgreSQL requires
-- the partition key in every unique constraint of a partitioned table.
CREATE TABLE access_log (
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  -- Position in the month's hash chain: 1, 2, 3, … without gaps within a partition.
  chain_position integer NOT NULL CHECK (chain_position >= 1),
  time timestamptz(3) NOT NULL,
  activity access_activity NOT NULL,
  outcome access_outcome NOT NULL,
  user_hsa_id hsa_id NOT NULL,
  user_name text NOT NULL,
  unit_hsa_id hsa_id NOT NULL,
  provider_hsa_id hsa_id NOT NULL,
  commission_hsa_id text,
  purpose text NOT NULL,
  patient_id uuid NOT NULL,
  personal_identity_number text NOT NULL CHECK (personal_identity_number ~ '^[0-9]{12}$'),
  case_id uuid,
  categories text[] NOT NULL,
  request_id text NOT NULL,
  operation_name text,
  emergency_access boolean NOT NULL,
  protected_identity boolean NOT NULL,
  not_a_party boolean NOT NULL,
  out_of_hours boolean NOT NULL,
  prev_hash text NOT NULL CHECK (prev_hash ~ '^[0-9a-f]{64}$'),
  hash text NOT NULL CHECK (hash ~ '^[0-9a-f]{64}$'),
  PRIMARY KEY (id, time)
) PARTITION BY RANGE (time);

-- Review searches: the officer's organisation over a period, a patient, a user.
CREATE INDEX access_log_provider_time_idx ON access_log (provider_hsa_id, time);
CREATE INDEX access_log_patient_idx ON access_log (patient_id, time);
CREATE INDEX access_log_personal_identity_number_idx ON access_log (personal_identity_number, time);
CREATE INDEX access_log_user_time_idx ON access_log (user_hsa_id, time);

-- Every row trigger of a partitioned table is cloned onto each partition, present and
-- future; TRUNCATE triggers are not, so access_log_ensure_partition adds one per partition.
CREATE TRIGGER access_log_append_only BEFORE UPDATE OR DELETE ON access_log
  FOR EACH ROW EXECUTE FUNCTION brygga_refuse_change();
CREATE TRIGGER access_log_no_truncate BEFORE TRUNCATE ON access_log
  FOR EACH STATEMENT EXECUTE FUNCTION brygga_refuse_change();

-- Partitions live in their own schema, so that `public` shows one table, access_log, and
-- nobody mistakes a partition for a table of its own. The API role needs nothing here:
-- inserts and selects through the parent never check the partitions' privileges.
CREATE SCHEMA access_log_partition;

-- The month partition holding `instant` (UTC months), created when missing. SECURITY
-- DEFINER because the API role may not create tables, yet the writer must never fail for
-- want of a partition at a month boundary. Concurrency: an advisory transaction lock
-- serialises creators, and the existence check is repeated under it (a new statement, so
-- a fresh catalogue snapshot); `duplicate_table` is caught as a last guard.
CREATE FUNCTION access_log_ensure_partition(instant timestamptz) RETURNS text
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public SET timezone = 'UTC' AS $$
DECLARE
  month_start timestamptz := date_trunc('month', instant, 'UTC');
  name text := 'access_log_' || to_char(month_start, 'YYYY_MM');
  qualified text := 'access_log_partition.' || name;
BEGIN
  IF to_regclass(qualified) IS NOT NULL THEN
    RETURN qualified;
  END IF;
  PERFORM pg_advisory_xact_lock(730041, 0);
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

-- The genesis link of a month's chain: a hash of the month itself, so a row moved into
-- another month's partition no longer fits its chain.
CREATE FUNCTION access_log_genesis_hash(month_start timestamptz) RETURNS text
LANGUAGE sql IMMUTABLE SET timezone = 'UTC' AS $$
  SELECT encode(sha256(convert_to('brygga access log ' || to_char(month_start, 'YYYY-MM'), 'UTF8')), 'hex')
$$;

-- One field of the canonical row content: its UTF-8 length, a colon and the text, or "~"
-- for null. Length-prefixing makes the encoding unambiguous whatever the text contains.
-- src/audit/hash-chain.ts implements the same encoding independently for the verifier.
CREATE FUNCTION access_log_field(value text) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE WHEN value IS NULL THEN '~' ELSE octet_length(convert_to(value, 'UTF8')) || ':' || value END
$$;

-- A running hash over rows in chain order: state = sha256(previous hash || canonical row).
-- Used as a window aggregate, it yields every row's hash in one INSERT ... SELECT.
CREATE FUNCTION access_log_chain_step(state text, canonical text, seed text) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
  SELECT encode(sha256(convert_to(coalesce(state, seed) || canonical, 'UTF8')), 'hex')
$$;
CREATE AGGREGATE access_log_chain(text, text) (SFUNC = access_log_chain_step, STYPE = text);

-- Appends one request's accesses: one call, one implicit transaction, one INSERT. Runs
-- with the caller's rights (SECURITY INVOKER), so the API role's INSERT grant is what
-- lets it write. The advisory lock keyed by month serialises appends to one chain; the
-- head is read in a statement after the lock, so it sees the previous holder's commit.
-- `entries` is a JSON array of objects with the keys read below; flags that need the
-- database (personnummer snapshot, protected identity, party) are looked up here.
CREATE FUNCTION access_log_append(access_time timestamptz, entries jsonb) RETURNS integer
LANGUAGE plpgsql SECURITY INVOKER SET search_path = pg_catalog, public SET timezone = 'UTC' AS $$
DECLARE
  month_start timestamptz;
  head_position integer;
  head_hash text;
  written integer;
BEGIN
  -- The column keeps milliseconds; the hashed text must be exactly what is stored.
  access_time := date_trunc('milliseconds', access_time);
  month_start := date_trunc('month', access_time, 'UTC');
  -- The catalogue, not to_regclass: the API role has no USAGE on the partitions' schema.
  IF NOT EXISTS (SELECT 1 FROM pg_class c JOIN pg_namespace ns ON ns.oid = c.relnamespace
                 WHERE ns.nspname = 'access_log_partition'
                   AND c.relname = 'access_log_' || to_char(month_start, 'YYYY_MM')) THEN
    PERFORM access_log_ensure_partition(access_time);
  END IF;
  PERFORM pg_advisory_xact_lock(730040, extract(year FROM month_start)::int * 100 + extract(month FROM month_start)::int);
  SELECT l.chain_position, l.hash INTO head_position, head_hash
    FROM access_log l
    WHERE l.time >= month_start AND l.time < month_start + interval '1 month'
    ORDER BY l.chain_position DESC LIMIT 1;
  head_position := coalesce(head_position, 0);
  head_hash := coalesce(head_hash, access_log_genesis_hash(month_start));

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
  ), facts AS MATERIALIZED (
    SELECT i.*,
      gen_random_uuid() AS id,
      head_position + i.n::integer AS chain_position,
      coalesce(i.personal_identity_number, p.personal_identity_number) AS pin,
      coalesce(p.protected_identity, false) OR 'PROTECTED_IDENTITY' = ANY (i.categories) AS protected,
      -- Not (or no longer) a party: the acting unit is not a current party of the case, or
      -- for an access without a case, of any case of the patient.
      NOT EXISTS (
        SELECT 1 FROM case_party cp
        JOIN unit u ON u.id = cp.unit_id
        JOIN "case" c ON c.id = cp.case_id
        WHERE u.hsa_id = i.unit_hsa_id AND cp.left_at IS NULL
          AND (cp.case_id = i.case_id OR (i.case_id IS NULL AND c.patient_id = i.patient_id))
      ) AS party_missing
    FROM input i
    LEFT JOIN patient p ON p.id = i.patient_id
  ), canonical AS (
    SELECT f.*,
      concat_ws('|',
        access_log_field(f.id::text), access_log_field(f.chain_position::text),
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
      ) AS content
    FROM facts f
  ), chained AS (
    SELECT c.*, access_log_chain(c.content, head_hash) OVER (ORDER BY c.chain_position) AS row_hash
    FROM canonical c
  )
  INSERT INTO access_log (id, chain_position, time, activity, outcome, user_hsa_id, user_name,
    unit_hsa_id, provider_hsa_id, commission_hsa_id, purpose, patient_id,
    personal_identity_number, case_id, categories, request_id, operation_name,
    emergency_access, protected_identity, not_a_party, out_of_hours, prev_hash, hash)
  SELECT id, chain_position, access_time, activity, outcome, user_hsa_id, user_name, unit_hsa_id,
    provider_hsa_id, commission_hsa_id, purpose, patient_id, pin, case_id, categories,
    request_id, operation_name, emergency_access, protected, party_missing, out_of_hours,
    coalesce(lag(row_hash) OVER (ORDER BY chain_position), head_hash), row_hash
  FROM chained
  ORDER BY chain_position;
  GET DIAGNOSTICS written = ROW_COUNT;
  RETURN written;
END
$$;

-- The current and the next month exist from the start; later months are created ahead
-- by whoever calls access_log_ensure_partition (the writer on demand, a monthly job).
SELECT access_log_ensure_partition(now());
SELECT access_log_ensure_partition(now() + interval '1 month');

-- The final state of a partition before retention drops it (gallring): its last hash
-- and row count, so the verifier can still vouch for what was there.
CREATE TABLE access_log_seal (
  month date PRIMARY KEY CHECK (extract(day FROM month) = 1),
  last_hash text NOT NULL CHECK (last_hash ~ '^[0-9a-f]{64}$'),
  row_count integer NOT NULL CHECK (row_count >= 0),
  sealed_at timestamptz(3) NOT NULL DEFAULT now()
);

-- A reproducible random sample for the monthly systematic review: the seed is kept, so
-- drawing again with it selects the same rows.
CREATE TABLE access_review_sample (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  provider_hsa_id hsa_id NOT NULL,
  month date NOT NULL CHECK (extract(day FROM month) = 1),
  percent numeric(5, 2) NOT NULL CHECK (percent > 0 AND percent <= 100),
  seed text NOT NULL CHECK (length(seed) BETWEEN 1 AND 200),
  population integer NOT NULL CHECK (population >= 0),
  size integer NOT NULL CHECK (size >= 0),
  drawn_by_hsa_id hsa_id NOT NULL,
  drawn_by_name text NOT NULL,
  drawn_at timestamptz(3) NOT NULL DEFAULT now()
);
CREATE INDEX access_review_sample_provider_idx ON access_review_sample (provider_hsa_id, drawn_at);

-- A documented review (logguppföljning): of a sample or of chosen rows. The access-log
-- ids are not a foreign key: the log is partitioned and outlives nothing it points to.
CREATE TABLE access_review (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  provider_hsa_id hsa_id NOT NULL,
  sample_id uuid REFERENCES access_review_sample (id),
  access_log_ids uuid[] NOT NULL,
  conclusion access_review_conclusion NOT NULL,
  note text NOT NULL CHECK (length(note) <= 4000),
  reviewer_hsa_id hsa_id NOT NULL,
  reviewer_name text NOT NULL,
  reviewed_at timestamptz(3) NOT NULL DEFAULT now(),
  CHECK (sample_id IS NOT NULL OR cardinality(access_log_ids) > 0)
);
CREATE INDEX access_review_provider_idx ON access_review (provider_hsa_id, reviewed_at);

DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['access_log_seal', 'access_review_sample', 'access_review']
  LOOP
    EXECUTE format('CREATE TRIGGER %I BEFORE UPDATE OR DELETE ON %I
                    FOR EACH ROW EXECUTE FUNCTION brygga_refuse_change()', t || '_append_only', t);
    EXECUTE format('CREATE TRIGGER %I BEFORE TRUNCATE ON %I
                    FOR EACH STATEMENT EXECUTE FUNCTION brygga_refuse_change()', t || '_no_truncate', t);
  END LOOP;
END
$$;

-- The API role: append and read the log, create partitions through the definer function,
-- read seals (sealing belongs to the retention job, which runs as the owner), draw samples
-- and record reviews. Nothing can be changed or removed.
GRANT SELECT, INSERT ON access_log TO brygga_app;
GRANT EXECUTE ON FUNCTION access_log_ensure_partition(timestamptz) TO brygga_app;
GRANT SELECT ON access_log_seal TO brygga_app;
GRANT SELECT, INSERT ON access_review_sample, access_review TO brygga_app;
