-- Issue 14: every register look-up is logged, also of a person who is not (yet) a patient
-- here: such a row names the person by personnummer (personal_identity_number, NOT NULL as
-- before) and has no patient id. The canonical row writes a null as "~", in SQL
-- (access_log_field) and in the verifier (src/audit/hash-chain.ts) alike, so rows with a
-- patient id hash exactly as before and existing chains verify unchanged.
ALTER TABLE access_log ALTER COLUMN patient_id DROP NOT NULL;
