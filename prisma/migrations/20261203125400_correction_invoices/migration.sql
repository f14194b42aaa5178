-- Correction invoices (issue 15): a sent invoice basis is never rewritten; what the event
-- list supports now is drafted as a correction invoice of the same month, with credit and
-- debit lines against the lines it corrects. The original is correction 0; each
-- correction of the month is the next number and names the invoice it follows.
ALTER TABLE invoice ADD COLUMN correction integer NOT NULL DEFAULT 0 CHECK (correction >= 0);
ALTER TABLE invoice ADD COLUMN corrects_invoice_id uuid REFERENCES invoice (id);
ALTER TABLE invoice ADD CONSTRAINT invoice_correction_follows
  CHECK ((correction = 0) = (corrects_invoice_id IS NULL));

ALTER TABLE invoice DROP CONSTRAINT invoice_kind_debtor_id_creditor_id_period_key;
CREATE UNIQUE INDEX invoice_kind_debtor_id_creditor_id_period_correction_key
  ON invoice (kind, debtor_id, creditor_id, period, correction);

-- What a run that succeeded still wants an operator to look at (e.g. sent invoices that
-- no longer agree with the event list), beside its summary.
ALTER TABLE job_run ADD COLUMN warnings jsonb NOT NULL DEFAULT '[]';
GRANT UPDATE (warnings) ON job_run TO brygga_app;
