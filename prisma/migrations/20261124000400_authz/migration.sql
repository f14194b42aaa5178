-- Authorization data: emergency access grants (nödöppning) and patient blocks (spärr).

-- A time-limited grant for one person, acting in one unit, to one case they do not take
-- part in. Never updated or deleted: it is evidence for the log review.
CREATE TABLE emergency_access (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  case_id uuid NOT NULL REFERENCES "case" (id),
  user_hsa_id hsa_id NOT NULL,
  user_name text NOT NULL,
  unit_id uuid NOT NULL REFERENCES unit (id),
  reason text NOT NULL CHECK (length(trim(reason)) BETWEEN 10 AND 2000),
  granted_at timestamptz(3) NOT NULL,
  expires_at timestamptz(3) NOT NULL CHECK (expires_at > granted_at)
);
CREATE INDEX emergency_access_case_user_idx ON emergency_access (case_id, user_hsa_id, expires_at);
CREATE TRIGGER emergency_access_append_only BEFORE UPDATE OR DELETE ON emergency_access
  FOR EACH ROW EXECUTE FUNCTION brygga_refuse_change();
CREATE TRIGGER emergency_access_no_truncate BEFORE TRUNCATE ON emergency_access
  FOR EACH STATEMENT EXECUTE FUNCTION brygga_refuse_change();
GRANT SELECT, INSERT ON emergency_access TO brygga_app;

-- The patient blocked (spärrat) the information of one care provider or municipality from
-- everyone outside it. Lifting a block sets lifted_at; the row stays.
CREATE TABLE patient_block (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  patient_id uuid NOT NULL REFERENCES patient (id),
  blocked_organization_id uuid NOT NULL REFERENCES organization (id),
  registered_by_hsa_id hsa_id NOT NULL,
  registered_at timestamptz(3) NOT NULL,
  lifted_at timestamptz(3),
  lifted_by_hsa_id hsa_id,
  CHECK ((lifted_at IS NULL) = (lifted_by_hsa_id IS NULL))
);
CREATE UNIQUE INDEX patient_block_active_unique ON patient_block (patient_id, blocked_organization_id)
  WHERE lifted_at IS NULL;
GRANT SELECT, INSERT, UPDATE (lifted_at, lifted_by_hsa_id) ON patient_block TO brygga_app;
