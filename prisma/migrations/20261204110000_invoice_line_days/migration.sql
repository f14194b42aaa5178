-- Per-day traceability of invoice lines (issue 15): each day of a line with the reason it
-- is charged (or credited) and the events behind it, among them the ready notice whose
-- count made it payable. A list of { date, reason, events, readyNotice } in the line's
-- date order; `events` and `readyNotice` are positions in the line's event_ids, not event
-- ids, so the retention purge that empties event_ids of a purged case leaves no pointer
-- into the purged event list behind in the days. Written with the line, never changed.
ALTER TABLE invoice_line ADD COLUMN day_details jsonb NOT NULL DEFAULT '[]'
  CHECK (jsonb_typeof(day_details) = 'array');
