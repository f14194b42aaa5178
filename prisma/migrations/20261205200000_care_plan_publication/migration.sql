-- Publication of care plans to the patient (1177 Journalen, through the national
-- GetCarePlans contract; src/patient-portal). Publishing and withdrawing are events of the
-- case's event list (händelselista), like every other step: the version that stands
-- published is the last of these events per plan, so no table of its own can drift from
-- the list. ADD VALUE is allowed in a transaction as long as the values are not used in it.
ALTER TYPE case_event_type ADD VALUE 'CARE_PLAN_PUBLISHED_TO_PATIENT' AFTER 'CARE_PLAN_REVISED';
ALTER TYPE case_event_type ADD VALUE 'CARE_PLAN_PUBLICATION_WITHDRAWN' AFTER 'CARE_PLAN_PUBLISHED_TO_PATIENT';

-- No index of its own: the producer finds a patient's cases by case.patient_id and their
-- events by the unique (case_id, sequence); a partial index on the new values could not be
-- created in this transaction anyway (a new enum value cannot be used where it was added).
