-- Invoicing (issue 5): population figures and user counts for cost sharing, statistics
-- snapshots of the monthly run, and the run log of scheduled jobs.
-- Reviewed SQL; prisma/invoicing.prisma describes the same tables (a test keeps them in step).
--
-- The job queue itself is graphile-worker's: it creates and migrates its own schema
-- `graphile_worker` when the scheduler starts (src/jobs/scheduler.ts). That runs on the
-- owner connection (DATABASE_URL without SET ROLE), never as brygga_app, which gets no
-- privilege on that schema.

-- Residents per municipality or district and year (folkmängd, e.g. 1 November of the year
-- before), the key of the system-cost share.
CREATE TABLE population_figure (
  organization_id uuid NOT NULL REFERENCES organization (id),
  year integer NOT NULL CHECK (year BETWEEN 2000 AND 2100),
  population integer NOT NULL CHECK (population > 0),
  source text NOT NULL CHECK (length(source) BETWEEN 1 AND 500),
  recorded_by text NOT NULL,
  recorded_at timestamptz(3) NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, year)
);

-- Users counted per organisation at a reference date (e.g. 1 October), the key of the
-- support-cost share. Kept so that an invoice stays explainable after login records are
-- purged; a recount at the same date adds nothing (the first count stands).
CREATE TABLE user_count (
  reference_date date NOT NULL,
  organization_id uuid NOT NULL REFERENCES organization (id),
  users integer NOT NULL CHECK (users >= 0),
  counted_at timestamptz(3) NOT NULL DEFAULT now(),
  PRIMARY KEY (reference_date, organization_id)
);

-- The indicator series of a municipality or district for a month as the monthly run
-- computed them. Append-only: a rerun adds a newer snapshot, the latest one is current.
CREATE TABLE statistics_snapshot (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  month date NOT NULL CHECK (extract(day FROM month) = 1),
  municipality_id uuid NOT NULL REFERENCES organization (id),
  -- { indicator: value | null } for the month, see src/domain/payment/statistics.ts.
  indicators jsonb NOT NULL,
  -- Cases left out, with the error code and message naming what to fix.
  problems jsonb NOT NULL DEFAULT '[]',
  job_run_id uuid,
  computed_at timestamptz(3) NOT NULL DEFAULT now()
);
CREATE INDEX statistics_snapshot_month_municipality_idx
  ON statistics_snapshot (month, municipality_id, computed_at DESC);

CREATE TYPE job_run_status AS ENUM ('RUNNING', 'SUCCEEDED', 'FAILED');

-- One row per attempt of a scheduled or manually started job.
CREATE TABLE job_run (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  job text NOT NULL,
  -- What the run is for, e.g. the month '2026-10'.
  run_key text NOT NULL,
  status job_run_status NOT NULL,
  -- 'scheduler' (graphile-worker job id appended) or 'cli'.
  started_by text NOT NULL,
  started_at timestamptz(3) NOT NULL DEFAULT now(),
  finished_at timestamptz(3),
  summary jsonb NOT NULL DEFAULT '{}',
  error text,
  CHECK ((status = 'RUNNING') = (finished_at IS NULL))
);
CREATE INDEX job_run_job_run_key_idx ON job_run (job, run_key, started_at DESC);

CREATE TRIGGER statistics_snapshot_append_only BEFORE UPDATE OR DELETE ON statistics_snapshot
  FOR EACH ROW EXECUTE FUNCTION brygga_refuse_change();
CREATE TRIGGER statistics_snapshot_no_truncate BEFORE TRUNCATE ON statistics_snapshot
  FOR EACH STATEMENT EXECUTE FUNCTION brygga_refuse_change();
CREATE TRIGGER user_count_append_only BEFORE UPDATE OR DELETE ON user_count
  FOR EACH ROW EXECUTE FUNCTION brygga_refuse_change();
CREATE TRIGGER user_count_no_truncate BEFORE TRUNCATE ON user_count
  FOR EACH STATEMENT EXECUTE FUNCTION brygga_refuse_change();

GRANT SELECT, INSERT ON statistics_snapshot, user_count TO brygga_app;
GRANT SELECT, INSERT ON population_figure TO brygga_app;
GRANT UPDATE (population, source, recorded_by, recorded_at) ON population_figure TO brygga_app;
GRANT SELECT, INSERT ON job_run TO brygga_app;
GRANT UPDATE (status, finished_at, summary, error) ON job_run TO brygga_app;

-- Payment agreement administration (finance): a new version is inserted, never edited;
-- the only change to an existing version is ending it (valid_to) when a successor starts.
GRANT INSERT ON payment_agreement, payment_agreement_price TO brygga_app;
GRANT UPDATE (valid_to) ON payment_agreement TO brygga_app;
