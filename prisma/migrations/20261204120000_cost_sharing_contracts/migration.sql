-- Cost-sharing contracts (issue 15): the cap on what one municipality or district pays for
-- the system's cost over a whole contract period (the seed agreement: 615 312 SEK over
-- 8 years, under the procurement-law threshold), carried across runs. A contract is data
-- written once; each cost-sharing line drafted under it names it, so the next run knows
-- what was invoiced under the contract before (charges less credits).
CREATE TABLE cost_sharing_contract (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  region_id uuid NOT NULL REFERENCES organization (id),
  name text NOT NULL CHECK (length(btrim(name)) > 0),
  -- Whole months: from the first day of one to the last day of another.
  valid_from date NOT NULL CHECK (extract(day FROM valid_from) = 1),
  valid_to date NOT NULL CHECK (extract(day FROM valid_to + 1) = 1),
  cap_per_debtor numeric(14, 2) NOT NULL CHECK (cap_per_debtor > 0),
  decision text NOT NULL CHECK (length(btrim(decision)) > 0),
  created_at timestamptz(3) NOT NULL DEFAULT now(),
  CHECK (valid_to > valid_from)
);
CREATE INDEX cost_sharing_contract_region_id_idx ON cost_sharing_contract (region_id);
CREATE TRIGGER cost_sharing_contract_append_only BEFORE UPDATE OR DELETE ON cost_sharing_contract
  FOR EACH ROW EXECUTE FUNCTION brygga_refuse_change();
CREATE TRIGGER cost_sharing_contract_no_truncate BEFORE TRUNCATE ON cost_sharing_contract
  FOR EACH STATEMENT EXECUTE FUNCTION brygga_refuse_change();
GRANT SELECT, INSERT ON cost_sharing_contract TO brygga_app;

ALTER TABLE invoice_line ADD COLUMN cost_sharing_contract_id uuid REFERENCES cost_sharing_contract (id);
CREATE INDEX invoice_line_cost_sharing_contract_id_idx ON invoice_line (cost_sharing_contract_id)
  WHERE cost_sharing_contract_id IS NOT NULL;
