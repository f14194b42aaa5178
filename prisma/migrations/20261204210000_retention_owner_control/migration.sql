-- Owners' control over retention (issue 16, "Owners' control").
--
-- retention_decision   the owner's retention decision (gallringsbeslut): reference
--                      (diarienummer), date, decided by (the body), per organisation and
--                      class; the latest is in force. A policy links to the decision it
--                      implements (retention_policy.decision_id).
-- Public bodies (organisationsnummer beginning with 2: state, regions, municipalities)
--                      may purge only under a decision (arkivlagen 10 §: gallring by a
--                      public body needs a decision). Until one exists for the class (its
--                      own, or its parent's for a district), its records are kept: the
--                      policy in force is withheld, for the runner (src/retention/policies.ts)
--                      and for the guards in the purge functions (retention_rules_in_force
--                      below), as for an owner without a policy.
-- retention_owner_mode per organisation: AUTOMATIC (the default) or APPROVAL, the latest in
--                      force; a district follows its parent unless it chose itself.
-- retention_proposal_decision
--                      the owner's approval or rejection of a dry run (the proposal) for
--                      their organisation. Under APPROVAL, a purge removes the
--                      organisation's records only as far as the latest decided proposal
--                      approved: what was due on that dry run's day.
-- The three tables are append-only for every role.

CREATE TABLE retention_decision (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organization_id uuid NOT NULL REFERENCES organization (id),
  record_class retention_record_class NOT NULL
    CHECK (record_class IN ('CASE', 'INVOICE_BASIS', 'ACCESS_LOG')),
  reference text NOT NULL CHECK (length(trim(reference)) BETWEEN 1 AND 200),
  decided_on date NOT NULL,
  decided_by text NOT NULL CHECK (length(trim(decided_by)) BETWEEN 2 AND 200),
  recorded_by_hsa_id text NOT NULL,
  recorded_by_name text NOT NULL,
  recorded_at timestamptz(3) NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX retention_decision_org_class_idx
  ON retention_decision (organization_id, record_class, recorded_at DESC);

ALTER TABLE retention_policy ADD COLUMN decision_id uuid REFERENCES retention_decision (id);

CREATE TYPE retention_mode AS ENUM ('AUTOMATIC', 'APPROVAL');
CREATE TABLE retention_owner_mode (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  organization_id uuid NOT NULL REFERENCES organization (id),
  mode retention_mode NOT NULL,
  decided_by_hsa_id text NOT NULL,
  decided_by_name text NOT NULL,
  decided_at timestamptz(3) NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX retention_owner_mode_org_idx ON retention_owner_mode (organization_id, id DESC);

CREATE TYPE retention_proposal_verdict AS ENUM ('APPROVED', 'REJECTED');
CREATE TABLE retention_proposal_decision (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  run_id uuid NOT NULL REFERENCES retention_run (id),
  organization_id uuid NOT NULL REFERENCES organization (id),
  verdict retention_proposal_verdict NOT NULL,
  comment text CHECK (length(comment) <= 2000),
  decided_by_hsa_id text NOT NULL,
  decided_by_name text NOT NULL,
  decided_at timestamptz(3) NOT NULL DEFAULT clock_timestamp(),
  UNIQUE (run_id, organization_id)
);
CREATE INDEX retention_proposal_decision_org_idx ON retention_proposal_decision (organization_id, id DESC);

-- Only a finished dry run can be a proposal.
CREATE FUNCTION retention_proposal_check() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, public AS $$
BEGIN
  IF NOT EXISTS (SELECT FROM retention_run_record r
                 WHERE r.id = NEW.run_id AND r.mode = 'DRY_RUN' AND r.status = 'SUCCEEDED') THEN
    RAISE EXCEPTION 'run % is not a finished dry run: only a dry run is a proposal', NEW.run_id
      USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END
$$;
CREATE TRIGGER retention_proposal_decision_check BEFORE INSERT ON retention_proposal_decision
  FOR EACH ROW EXECUTE FUNCTION retention_proposal_check();

DO $$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['retention_decision', 'retention_owner_mode', 'retention_proposal_decision'] LOOP
    EXECUTE format('CREATE TRIGGER %I BEFORE UPDATE OR DELETE ON %I FOR EACH ROW EXECUTE FUNCTION retention_record_immutable()', t || '_immutable', t);
    EXECUTE format('CREATE TRIGGER %I BEFORE TRUNCATE ON %I FOR EACH STATEMENT EXECUTE FUNCTION retention_record_immutable()', t || '_immutable_truncate', t);
  END LOOP;
END
$$;

-- A public body: organisationsnummer group 2 (state, regions, municipalities, parishes).
CREATE FUNCTION retention_public_body(p_org_number text) RETURNS boolean
LANGUAGE sql IMMUTABLE AS $$ SELECT left(p_org_number, 1) = '2' $$;

-- The policy in force for each organisation and class, as before, withheld from a public
-- body that has no retention decision for the class (its own or its parent's): the purge
-- functions then refuse its records as they refuse an owner's without a policy.
CREATE OR REPLACE FUNCTION retention_rules_in_force(p_class retention_record_class)
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
  WHERE NOT retention_public_body(o.org_number)
     OR p_class NOT IN ('CASE', 'INVOICE_BASIS', 'ACCESS_LOG')
     OR EXISTS (SELECT FROM retention_decision d
                WHERE d.record_class = p_class AND d.organization_id IN (o.id, o.parent_id))
$$;

GRANT SELECT, INSERT ON retention_decision, retention_owner_mode, retention_proposal_decision TO brygga_app;
GRANT SELECT ON retention_decision, retention_owner_mode, retention_proposal_decision TO brygga_retention;
