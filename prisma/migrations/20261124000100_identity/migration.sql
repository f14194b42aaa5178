-- Identity gateway: the IdPs of the federation, attribute-mapping rule sets (versioned),
-- signing keys (token keys and our SAML SP keys), replay caches shared by every API
-- process, login sessions, and the append-only audit of identity events.
-- Reviewed SQL; prisma/identity.prisma describes the same tables.

CREATE TYPE identity_key_purpose AS ENUM ('ACCESS_TOKEN', 'SAML_SP');
CREATE TYPE identity_replay_kind AS ENUM ('RESPONSE', 'ASSERTION');
CREATE TYPE identity_event_type AS ENUM ('LOGIN', 'LOGOUT', 'TOKEN_REFRESH',
  'COMMISSION_CHOSEN', 'SESSION_REVOKED', 'IDP_CREATED', 'IDP_UPDATED', 'IDP_DISABLED',
  'METADATA_IMPORTED', 'METADATA_REFRESH_FAILED', 'MAPPING_CHANGED', 'KEY_CREATED',
  'KEY_RETIRED');
CREATE TYPE identity_event_outcome AS ENUM ('SUCCESS', 'FAILURE');

-- A mapping rule set: how one or more IdPs' attributes become roles and commissions.
-- Its content lives in versions; current_version names the one logins use.
CREATE TABLE identity_mapping_rule_set (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name text NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 100),
  current_version integer NOT NULL CHECK (current_version >= 1),
  created_at timestamptz(3) NOT NULL DEFAULT now(),
  updated_at timestamptz(3) NOT NULL DEFAULT now()
);

CREATE TABLE identity_mapping_rule_set_version (
  rule_set_id uuid NOT NULL REFERENCES identity_mapping_rule_set (id),
  version integer NOT NULL CHECK (version >= 1),
  definition jsonb NOT NULL,
  comment text NOT NULL DEFAULT '',
  created_by text NOT NULL,
  created_at timestamptz(3) NOT NULL DEFAULT now(),
  PRIMARY KEY (rule_set_id, version)
);

CREATE TABLE identity_provider (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  -- The name in our URLs: /auth/saml/<slug>/acs.
  slug text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9][a-z0-9-]{1,39}$'),
  display_name text NOT NULL CHECK (length(display_name) BETWEEN 1 AND 200),
  entity_id text NOT NULL UNIQUE CHECK (length(entity_id) BETWEEN 1 AND 1024),
  sso_url text NOT NULL CHECK (sso_url ~ '^https?://'),
  slo_url text CHECK (slo_url ~ '^https?://'),
  -- Pinned IdP signing certificates (PEM), several during a rollover. Never KeyInfo.
  signing_certificates text[] NOT NULL CHECK (cardinality(signing_certificates) >= 1),
  -- Minimum level of assurance (1-4, http://id.sambi.se/loa/loaN).
  required_loa integer NOT NULL DEFAULT 3 CHECK (required_loa BETWEEN 1 AND 4),
  clock_skew_seconds integer NOT NULL DEFAULT 60 CHECK (clock_skew_seconds BETWEEN 0 AND 300),
  idp_initiated_allowed boolean NOT NULL DEFAULT false,
  require_signed_response boolean NOT NULL DEFAULT true,
  enabled boolean NOT NULL DEFAULT true,
  rule_set_id uuid NOT NULL REFERENCES identity_mapping_rule_set (id),
  metadata_url text CHECK (metadata_url ~ '^https?://'),
  -- Certificates that sign the federation's metadata; empty when it is not signed.
  metadata_signing_certificates text[] NOT NULL DEFAULT '{}',
  metadata_refresh_seconds integer NOT NULL DEFAULT 86400 CHECK (metadata_refresh_seconds >= 300),
  metadata_refreshed_at timestamptz(3),
  metadata_valid_until timestamptz(3),
  -- Claimed by one instance while it refreshes (see src/identity/metadata-refresh.ts).
  metadata_refresh_claimed_until timestamptz(3),
  created_at timestamptz(3) NOT NULL DEFAULT now(),
  updated_at timestamptz(3) NOT NULL DEFAULT now()
);
CREATE INDEX identity_provider_rule_set_id_idx ON identity_provider (rule_set_id);

-- Token signing keys (ES256) and our SAML SP keys (RSA). A key is published from
-- created_at, signs from activates_at, and is published until retires_at.
-- private_key is AES-256-GCM encrypted with IDENTITY_KEY_ENCRYPTION_KEY.
CREATE TABLE identity_signing_key (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  kid text NOT NULL UNIQUE,
  purpose identity_key_purpose NOT NULL,
  algorithm text NOT NULL,
  -- Public JWK (ACCESS_TOKEN) or the PEM certificate (SAML_SP).
  public_key text NOT NULL,
  private_key text NOT NULL,
  activates_at timestamptz(3) NOT NULL,
  retires_at timestamptz(3),
  created_at timestamptz(3) NOT NULL DEFAULT now(),
  CHECK (retires_at IS NULL OR retires_at > activates_at)
);
CREATE INDEX identity_signing_key_purpose_activates_at_idx ON identity_signing_key (purpose, activates_at);

-- AuthnRequest IDs we issued; consumed once by the matching response.
CREATE TABLE identity_saml_request (
  id text PRIMARY KEY CHECK (length(id) BETWEEN 16 AND 128),
  idp_id uuid NOT NULL REFERENCES identity_provider (id),
  relay_state text,
  issued_at timestamptz(3) NOT NULL,
  expires_at timestamptz(3) NOT NULL,
  consumed_at timestamptz(3)
);
CREATE INDEX identity_saml_request_expires_at_idx ON identity_saml_request (expires_at);

-- Response and Assertion IDs seen, kept until NotOnOrAfter plus the clock skew.
CREATE TABLE identity_saml_replay (
  kind identity_replay_kind NOT NULL,
  message_id text NOT NULL CHECK (length(message_id) BETWEEN 1 AND 256),
  idp_id uuid NOT NULL REFERENCES identity_provider (id),
  seen_at timestamptz(3) NOT NULL,
  expires_at timestamptz(3) NOT NULL,
  PRIMARY KEY (kind, message_id)
);
CREATE INDEX identity_saml_replay_expires_at_idx ON identity_saml_replay (expires_at);

-- A login session: what the refresh cookie and every access token's `sid` point at.
-- Holds the assertion's attributes (no personal identity number) so that roles can be
-- derived afresh, with the current rules, at every token issue.
CREATE TABLE identity_session (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  idp_id uuid NOT NULL REFERENCES identity_provider (id),
  subject text NOT NULL,
  name_id text NOT NULL,
  name_id_format text,
  session_index text,
  level_of_assurance text,
  attributes jsonb NOT NULL,
  acting_commission jsonb,
  -- SHA-256 of the current refresh secret; rotated at every refresh.
  refresh_token_hash text NOT NULL,
  created_at timestamptz(3) NOT NULL,
  refreshed_at timestamptz(3) NOT NULL,
  expires_at timestamptz(3) NOT NULL,
  revoked_at timestamptz(3),
  revoked_by text,
  revoked_reason text,
  CHECK ((revoked_at IS NULL) = (revoked_reason IS NULL))
);
CREATE INDEX identity_session_subject_idx ON identity_session (subject);
CREATE INDEX identity_session_idp_id_created_at_idx ON identity_session (idp_id, created_at);

-- Identity events: logins (success or failure with reason), logouts, mapping and IdP
-- changes, key rotation. Append-only, like case_event.
CREATE TABLE identity_event (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  occurred_at timestamptz(3) NOT NULL,
  type identity_event_type NOT NULL,
  outcome identity_event_outcome NOT NULL,
  idp_id uuid REFERENCES identity_provider (id),
  -- Whose identity (employee HSA-ID or NameID) and who acted (an admin, or the same person).
  subject text,
  actor text,
  session_id uuid,
  reason text,
  details jsonb NOT NULL DEFAULT '{}',
  request_id text
);
CREATE INDEX identity_event_occurred_at_idx ON identity_event (occurred_at);
CREATE INDEX identity_event_idp_id_type_occurred_at_idx ON identity_event (idp_id, type, occurred_at);

DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['identity_event', 'identity_mapping_rule_set_version']
  LOOP
    EXECUTE format('CREATE TRIGGER %I BEFORE UPDATE OR DELETE ON %I
                    FOR EACH ROW EXECUTE FUNCTION brygga_refuse_change()', t || '_append_only', t);
    EXECUTE format('CREATE TRIGGER %I BEFORE TRUNCATE ON %I
                    FOR EACH STATEMENT EXECUTE FUNCTION brygga_refuse_change()', t || '_no_truncate', t);
    EXECUTE format('GRANT SELECT, INSERT ON %I TO brygga_app', t);
  END LOOP;
END
$$;

-- Identity admins change IdPs through the API; rule sets only move their current version;
-- sessions only rotate their refresh secret, record the commission choice, and end.
GRANT SELECT, INSERT, UPDATE ON identity_provider TO brygga_app;
GRANT SELECT, INSERT ON identity_mapping_rule_set, identity_session TO brygga_app;
GRANT UPDATE (current_version, updated_at) ON identity_mapping_rule_set TO brygga_app;
GRANT UPDATE (acting_commission, refresh_token_hash, refreshed_at, revoked_at, revoked_by,
  revoked_reason) ON identity_session TO brygga_app;
GRANT SELECT, INSERT ON identity_signing_key TO brygga_app;
GRANT UPDATE (retires_at) ON identity_signing_key TO brygga_app;
GRANT SELECT, INSERT, DELETE ON identity_saml_replay TO brygga_app;
GRANT SELECT, INSERT, DELETE ON identity_saml_request TO brygga_app;
GRANT UPDATE (consumed_at) ON identity_saml_request TO brygga_app;
