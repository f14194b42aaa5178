-- /readyz (src/http/readiness.ts) reports ready only when every migration the running code
-- knows is applied; it asks with the API's own connections, which act as brygga_app.
-- The bookkeeping table is the migration runner's (src/db/migrate.ts); reading it reveals
-- no patient data.
GRANT SELECT ON brygga_migration TO brygga_app;
