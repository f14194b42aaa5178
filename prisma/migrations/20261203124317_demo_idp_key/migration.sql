-- The demo IdP's signing key (development only: src/identity/demo-idp). Kept in
-- identity_signing_key beside our other keys, encrypted the same way, so the IdP's pinned
-- certificate and its key live and go with the same database.
ALTER TYPE identity_key_purpose ADD VALUE 'DEMO_IDP';
