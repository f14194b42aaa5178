-- Core model: organisations, units, registers, patients, cases with their event list,
-- care plans, notes, payment agreements and invoices.
-- Reviewed SQL; prisma/schema.prisma describes the same tables (a test keeps them in step).

-- The role the API runs as (SET ROLE at connect). It owns nothing, so it cannot disable
-- triggers or alter tables, and it gets only the privileges granted below.
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'brygga_app') THEN
    CREATE ROLE brygga_app NOLOGIN;
  END IF;
END
$$;
GRANT brygga_app TO CURRENT_USER;
GRANT USAGE ON SCHEMA public TO brygga_app;

CREATE TYPE organization_kind AS ENUM ('CARE_PROVIDER', 'MUNICIPALITY', 'DISTRICT');
CREATE TYPE unit_kind AS ENUM ('WARD_SOMATIC', 'WARD_PSYCHIATRIC', 'PRIMARY_CARE',
  'MUNICIPAL_SOCIAL_SERVICES', 'MUNICIPAL_HEALTH_CARE');
CREATE TYPE patient_identity_kind AS ENUM ('PERSONNUMMER', 'SAMORDNINGSNUMMER');
CREATE TYPE case_status AS ENUM ('PLANNING', 'READY_FOR_DISCHARGE', 'DISCHARGE_ANNOUNCED',
  'DISCHARGED', 'CLOSED');
CREATE TYPE compulsory_care AS ENUM ('NONE', 'OPT', 'ORV');
CREATE TYPE consent_status AS ENUM ('NOT_ASKED', 'GIVEN', 'DECLINED', 'CANNOT_BE_OBTAINED');
CREATE TYPE case_close_reason AS ENUM ('DISCHARGED', 'NO_SUPPORT_NEEDED', 'DECEASED',
  'TRANSFERRED_TO_OTHER_CARE');
CREATE TYPE case_party_role AS ENUM ('WARD', 'PRIMARY_CARE', 'MUNICIPAL_SOCIAL_SERVICES',
  'MUNICIPAL_HEALTH_CARE');
CREATE TYPE case_event_type AS ENUM ('ADMISSION_NOTICE_SENT', 'ACKNOWLEDGED',
  'PLANNING_BASIS_SENT', 'FIXED_CARE_CONTACT_APPOINTED', 'READY_FOR_DISCHARGE_NOTIFIED',
  'READY_FOR_DISCHARGE_WITHDRAWN', 'SIP_CALLED', 'CARE_PLAN_CREATED', 'CARE_PLAN_REVISED',
  'DISCHARGE_ANNOUNCED', 'DISCHARGED', 'MESSAGE_ANNULLED', 'RESPONSIBILITY_TRANSFERRED',
  'NOTE_ADDED', 'CONSENT_RECORDED', 'CASE_CLOSED');
CREATE TYPE care_plan_kind AS ENUM ('CARE_PLAN', 'SIMPLIFIED_CARE_PLAN', 'SIP');
CREATE TYPE care_plan_status AS ENUM ('DRAFT', 'AGREED', 'FOLLOWED_UP', 'CLOSED');
CREATE TYPE payment_model AS ENUM ('STATUTORY_DEFAULT', 'INDIVIDUAL', 'AVERAGE');
CREATE TYPE invoice_kind AS ENUM ('PAYMENT_RESPONSIBILITY', 'COST_SHARING');
CREATE TYPE invoice_status AS ENUM ('DRAFT', 'APPROVED', 'SENT');
CREATE TYPE invoice_line_kind AS ENUM ('CHARGE', 'CREDIT');

-- HSA-ID: "SE" + ten-digit organisation number + "-" + letters/digits, at most 31 characters.
CREATE DOMAIN hsa_id AS text
  CHECK (VALUE ~ '^SE[0-9]{10}-[A-Za-z0-9]+$' AND length(VALUE) <= 31);

CREATE TABLE organization (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  hsa_id hsa_id NOT NULL UNIQUE,
  name text NOT NULL,
  kind organization_kind NOT NULL,
  org_number text NOT NULL CHECK (org_number ~ '^[0-9]{10}$'),
  municipality_code text CHECK (municipality_code ~ '^[0-9]{4}$'),
  parent_id uuid REFERENCES organization (id),
  created_at timestamptz(3) NOT NULL DEFAULT now(),
  CHECK (kind = 'CARE_PROVIDER' OR municipality_code IS NOT NULL)
);

CREATE TABLE unit (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  hsa_id hsa_id NOT NULL UNIQUE,
  name text NOT NULL,
  kind unit_kind NOT NULL,
  organization_id uuid NOT NULL REFERENCES organization (id),
  municipality_code text NOT NULL CHECK (municipality_code ~ '^[0-9]{4}$'),
  phone text,
  email text,
  address text,
  active boolean NOT NULL DEFAULT true,
  created_at timestamptz(3) NOT NULL DEFAULT now()
);
CREATE INDEX unit_organization_id_idx ON unit (organization_id);
CREATE INDEX unit_name_search_idx ON unit (lower(name) text_pattern_ops);

CREATE TABLE population_register_entry (
  personal_identity_number text PRIMARY KEY CHECK (personal_identity_number ~ '^[0-9]{12}$'),
  given_name text NOT NULL,
  family_name text NOT NULL,
  protected_identity boolean NOT NULL DEFAULT false,
  municipality_code text NOT NULL CHECK (municipality_code ~ '^[0-9]{4}$'),
  home_organization_hsa_id hsa_id NOT NULL,
  updated_at timestamptz(3) NOT NULL DEFAULT now()
);

CREATE TABLE primary_care_listing (
  personal_identity_number text PRIMARY KEY CHECK (personal_identity_number ~ '^[0-9]{12}$'),
  unit_id uuid NOT NULL REFERENCES unit (id),
  listed_since date NOT NULL
);

CREATE TABLE patient (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  personal_identity_number text NOT NULL UNIQUE CHECK (personal_identity_number ~ '^[0-9]{12}$'),
  identity_kind patient_identity_kind NOT NULL,
  given_name text NOT NULL,
  family_name text NOT NULL,
  protected_identity boolean NOT NULL DEFAULT false,
  home_municipality_code text NOT NULL CHECK (home_municipality_code ~ '^[0-9]{4}$'),
  home_organization_id uuid NOT NULL REFERENCES organization (id),
  created_at timestamptz(3) NOT NULL DEFAULT now(),
  updated_at timestamptz(3) NOT NULL DEFAULT now()
);

CREATE SEQUENCE case_reference_seq;

CREATE TABLE "case" (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  reference text NOT NULL UNIQUE,
  patient_id uuid NOT NULL REFERENCES patient (id),
  status case_status NOT NULL,
  psychiatric boolean NOT NULL DEFAULT false,
  compulsory_care compulsory_care NOT NULL DEFAULT 'NONE',
  consent consent_status NOT NULL DEFAULT 'NOT_ASKED',
  fixed_care_contact_name text,
  fixed_care_contact_hsa_id hsa_id,
  fixed_care_contact_unit_id uuid REFERENCES unit (id),
  admitted_at timestamptz(3) NOT NULL,
  admission_notice_at timestamptz(3),
  planning_basis_at timestamptz(3),
  ready_for_discharge_at timestamptz(3),
  ready_withdrawn_at timestamptz(3),
  sip_called_at timestamptz(3),
  sip_meeting_at timestamptz(3),
  planned_discharge_at timestamptz(3),
  discharged_at timestamptz(3),
  closed_at timestamptz(3),
  close_reason case_close_reason,
  version integer NOT NULL DEFAULT 1 CHECK (version >= 1),
  created_at timestamptz(3) NOT NULL DEFAULT now(),
  updated_at timestamptz(3) NOT NULL DEFAULT now(),
  CHECK (compulsory_care = 'NONE' OR psychiatric),
  CHECK ((status = 'CLOSED') = (closed_at IS NOT NULL)),
  CHECK (status <> 'DISCHARGED' OR discharged_at IS NOT NULL),
  CHECK (close_reason IS DISTINCT FROM 'DISCHARGED' OR discharged_at IS NOT NULL)
);
CREATE INDEX case_patient_id_idx ON "case" (patient_id);
CREATE INDEX case_status_idx ON "case" (status);
CREATE INDEX case_ready_for_discharge_at_idx ON "case" (ready_for_discharge_at);

CREATE TABLE case_party (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  case_id uuid NOT NULL REFERENCES "case" (id),
  unit_id uuid NOT NULL REFERENCES unit (id),
  role case_party_role NOT NULL,
  joined_at timestamptz(3) NOT NULL,
  left_at timestamptz(3),
  CHECK (left_at IS NULL OR left_at >= joined_at)
);
CREATE INDEX case_party_case_id_idx ON case_party (case_id);
CREATE INDEX case_party_unit_id_left_at_idx ON case_party (unit_id, left_at);
-- A unit is a current party of a case at most once.
CREATE UNIQUE INDEX case_party_current_unique ON case_party (case_id, unit_id) WHERE left_at IS NULL;

CREATE TABLE case_event (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  case_id uuid NOT NULL REFERENCES "case" (id),
  sequence integer NOT NULL CHECK (sequence >= 1),
  type case_event_type NOT NULL,
  author_hsa_id hsa_id NOT NULL,
  author_name text NOT NULL,
  author_unit_id uuid NOT NULL REFERENCES unit (id),
  occurred_at timestamptz(3) NOT NULL,
  payload jsonb NOT NULL,
  UNIQUE (case_id, sequence)
);

CREATE TABLE case_event_recipient (
  event_id uuid NOT NULL REFERENCES case_event (id),
  unit_id uuid NOT NULL REFERENCES unit (id),
  PRIMARY KEY (event_id, unit_id)
);
CREATE INDEX case_event_recipient_unit_id_idx ON case_event_recipient (unit_id);

CREATE TABLE case_event_acknowledgement (
  event_id uuid NOT NULL,
  unit_id uuid NOT NULL,
  acknowledged_at timestamptz(3) NOT NULL,
  by_hsa_id hsa_id NOT NULL,
  by_name text NOT NULL,
  PRIMARY KEY (event_id, unit_id),
  -- Only a recipient can acknowledge.
  FOREIGN KEY (event_id, unit_id) REFERENCES case_event_recipient (event_id, unit_id)
);

CREATE TABLE care_plan (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  case_id uuid NOT NULL REFERENCES "case" (id),
  kind care_plan_kind NOT NULL,
  created_at timestamptz(3) NOT NULL DEFAULT now()
);
CREATE INDEX care_plan_case_id_created_at_idx ON care_plan (case_id, created_at);

CREATE TABLE care_plan_version (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  care_plan_id uuid NOT NULL REFERENCES care_plan (id),
  version integer NOT NULL CHECK (version >= 1),
  status care_plan_status NOT NULL,
  summary text NOT NULL,
  follow_up_on date,
  author_hsa_id hsa_id NOT NULL,
  author_name text NOT NULL,
  author_unit_id uuid NOT NULL REFERENCES unit (id),
  created_at timestamptz(3) NOT NULL,
  UNIQUE (care_plan_id, version)
);

CREATE TABLE care_plan_item (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  version_id uuid NOT NULL REFERENCES care_plan_version (id),
  position integer NOT NULL,
  responsible_unit_id uuid NOT NULL REFERENCES unit (id),
  action text NOT NULL,
  due_on date
);
CREATE INDEX care_plan_item_version_id_idx ON care_plan_item (version_id);

CREATE TABLE care_plan_participant (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  version_id uuid NOT NULL REFERENCES care_plan_version (id),
  position integer NOT NULL,
  name text NOT NULL,
  role text NOT NULL,
  unit_id uuid REFERENCES unit (id)
);
CREATE INDEX care_plan_participant_version_id_idx ON care_plan_participant (version_id);

CREATE TABLE note (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  case_id uuid NOT NULL REFERENCES "case" (id),
  text text NOT NULL CHECK (length(text) BETWEEN 1 AND 10000),
  locked_to_organization boolean NOT NULL DEFAULT false,
  author_hsa_id hsa_id NOT NULL,
  author_name text NOT NULL,
  author_unit_id uuid NOT NULL REFERENCES unit (id),
  author_organization_id uuid NOT NULL REFERENCES organization (id),
  created_at timestamptz(3) NOT NULL
);
CREATE INDEX note_case_id_created_at_idx ON note (case_id, created_at);

CREATE TABLE payment_agreement (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name text NOT NULL,
  region_id uuid NOT NULL REFERENCES organization (id),
  municipality_id uuid REFERENCES organization (id),
  model payment_model NOT NULL,
  valid_from date NOT NULL,
  valid_to date,
  parameters jsonb NOT NULL,
  decision text NOT NULL,
  created_at timestamptz(3) NOT NULL DEFAULT now(),
  CHECK (valid_to IS NULL OR valid_to >= valid_from)
);
CREATE INDEX payment_agreement_region_id_valid_from_idx ON payment_agreement (region_id, valid_from);

CREATE TABLE payment_agreement_price (
  agreement_id uuid NOT NULL REFERENCES payment_agreement (id),
  year integer NOT NULL CHECK (year BETWEEN 2018 AND 2100),
  price_per_day numeric(12, 2) NOT NULL CHECK (price_per_day > 0),
  PRIMARY KEY (agreement_id, year)
);

CREATE TABLE invoice (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  kind invoice_kind NOT NULL,
  debtor_id uuid NOT NULL REFERENCES organization (id),
  creditor_id uuid NOT NULL REFERENCES organization (id),
  period date NOT NULL CHECK (extract(day FROM period) = 1),
  status invoice_status NOT NULL,
  total_amount numeric(14, 2) NOT NULL,
  agreement_id uuid REFERENCES payment_agreement (id),
  created_at timestamptz(3) NOT NULL DEFAULT now(),
  approved_at timestamptz(3),
  sent_at timestamptz(3),
  UNIQUE (kind, debtor_id, creditor_id, period)
);

CREATE TABLE invoice_line (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  invoice_id uuid NOT NULL REFERENCES invoice (id),
  position integer NOT NULL,
  kind invoice_line_kind NOT NULL,
  case_id uuid REFERENCES "case" (id),
  description text NOT NULL,
  days integer NOT NULL,
  dates date[] NOT NULL,
  price_per_day numeric(12, 2) NOT NULL,
  amount numeric(14, 2) NOT NULL,
  event_ids uuid[] NOT NULL,
  corrects_line_id uuid REFERENCES invoice_line (id),
  CHECK ((kind = 'CREDIT') = (corrects_line_id IS NOT NULL))
);
CREATE INDEX invoice_line_invoice_id_idx ON invoice_line (invoice_id);
CREATE INDEX invoice_line_case_id_idx ON invoice_line (case_id);

-- Append-only tables: the event list is the legally binding receipt on which invoices
-- rest, and a care-plan revision never overwrites the previous one. The trigger holds
-- for every role, including the table owner; the grants below are the second wall.
CREATE FUNCTION brygga_refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'table % is append-only: % refused', TG_TABLE_NAME, TG_OP
    USING ERRCODE = 'insufficient_privilege';
END
$$;

DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['case_event', 'case_event_recipient', 'case_event_acknowledgement',
                           'care_plan_version', 'care_plan_item', 'care_plan_participant',
                           'care_plan', 'note', 'invoice_line']
  LOOP
    EXECUTE format('CREATE TRIGGER %I BEFORE UPDATE OR DELETE ON %I
                    FOR EACH ROW EXECUTE FUNCTION brygga_refuse_change()', t || '_append_only', t);
    EXECUTE format('CREATE TRIGGER %I BEFORE TRUNCATE ON %I
                    FOR EACH STATEMENT EXECUTE FUNCTION brygga_refuse_change()', t || '_no_truncate', t);
    EXECUTE format('GRANT SELECT, INSERT ON %I TO brygga_app', t);
  END LOOP;
END
$$;

GRANT SELECT ON organization, unit, population_register_entry, primary_care_listing,
  payment_agreement, payment_agreement_price TO brygga_app;
GRANT SELECT, INSERT, UPDATE ON patient, "case", case_party, invoice TO brygga_app;
GRANT USAGE ON SEQUENCE case_reference_seq TO brygga_app;
