-- Case list (issue 7, second round): one page of a unit's cases costs the same however
-- many cases the database holds. The list asks each way in of the row rules apart
-- (src/graphql/visible-case-page.ts); this index lets the emergency-grant way start from
-- the caller's grants in the acting unit instead of reading every grant ever made (the
-- table is append-only evidence, so it only grows). The party ways use
-- case_party_unit_id_left_at_idx.
CREATE INDEX emergency_access_user_unit_idx ON emergency_access (user_hsa_id, unit_id, expires_at);
