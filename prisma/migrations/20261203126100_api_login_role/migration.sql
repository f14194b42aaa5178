-- The API's own login (issue 16, item 1). Until now the API logged in as the owner and
-- switched to brygga_app; the owner is a member of brygga_retention, so a session of the
-- API could `SET ROLE brygga_retention` (or RESET ROLE back to the owner). brygga_api can
-- log in and is a member of brygga_app only: no SET ROLE leads anywhere else. The owner
-- login (DATABASE_URL) stays for migrations, the scheduler and the retention runner.
--
-- The role is cluster-wide, so it may exist already (another database of the cluster, a
-- deployment that created it with a password beforehand); its password is set outside
-- migrations (README, "Database roles"; the embedded database sets its own).
DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'brygga_api') THEN
    CREATE ROLE brygga_api LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS;
  END IF;
END
$$;
GRANT brygga_app TO brygga_api;

-- A login that can reach more than brygga_app is refused here as it is at the API's start
-- (src/db/login-roles.ts): the owner, the purge role or a superuser would undo the point.
DO $$
DECLARE
  reachable text;
BEGIN
  SELECT string_agg(r.rolname, ', ') INTO reachable
  FROM pg_roles r
  WHERE r.rolname NOT IN ('brygga_api', 'brygga_app')
    AND pg_has_role('brygga_api', r.oid, 'MEMBER');
  IF reachable IS NOT NULL
     OR (SELECT rolsuper OR rolbypassrls OR rolcreaterole FROM pg_roles WHERE rolname = 'brygga_api') THEN
    RAISE EXCEPTION 'role brygga_api must be a plain login that is a member of brygga_app only (it reaches: %)',
      coalesce(reachable, 'superuser, BYPASSRLS or CREATEROLE rights');
  END IF;
END
$$;
