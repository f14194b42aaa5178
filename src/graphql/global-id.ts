import { decodeGlobalID } from '@pothos/plugin-relay';
import { BadInputError } from './errors.js';

/**
 * The database id inside a Relay global ID of the expected type (a Unit id is not a Case
 * id), or null when it is not one. Each caller reports null its own way: queries with a
 * GraphQL error, mutations with their typed error.
 */
export function idOfType(globalId: string | number, typename: string): string | null {
  try {
    const decoded = decodeGlobalID(String(globalId));
    return decoded.typename === typename && /^[0-9a-f-]{36}$/i.test(decoded.id) ? decoded.id : null;
  } catch {
    return null;
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether a value is a UUID, the form of every database id behind a global id. */
export function isUuid(value: string): boolean {
  return UUID.test(value);
}

const refuseNodeId = () =>
  new BadInputError('INVALID_ID', 'That is not the id of anything here.', 'id');

/**
 * The UUID inside a node's global id, as `node(id:)` hands it to the type's loader, in lower
 * case; anything else there is INVALID_ID, a request error, not a database error.
 */
export function nodeUuid(id: string): string {
  if (!isUuid(id)) throw refuseNodeId();
  return id.toLowerCase();
}

const BIGINT_MAX = 2n ** 63n - 1n;

/** As nodeUuid, for a node keyed by a database serial (a positive bigint). */
export function nodeSerial(id: string): bigint {
  const serial = /^[1-9][0-9]{0,18}$/.test(id) ? BigInt(id) : 0n;
  if (serial < 1n || serial > BIGINT_MAX) throw refuseNodeId();
  return serial;
}

/**
 * Marks an output field of type ID (or a list of them) as holding global ids of a node type,
 * which `node(id:)` loads; merged into the field's other options (a guard's extensions stay).
 * test/integration/schema-global-ids.test.ts fails on an id field that has neither this mark
 * nor a place, with its reason, on that test's list.
 */
export function globalIdOf(typename: string): { extensions: { globalIdOf: string[] } };
export function globalIdOf<Options extends { extensions?: object }>(
  typename: string,
  options: Options,
): Options & { extensions: { globalIdOf: string[] } };
export function globalIdOf(typename: string, options: { extensions?: object } = {}) {
  return { ...options, extensions: { ...options.extensions, globalIdOf: [typename] } };
}

/**
 * The UUID an argument names by the global id of the type or (the older form, deprecated
 * but still taken) by the raw UUID; null when it is neither. Lower case, so two spellings
 * of one id are the same id.
 */
export function uuidOrIdOfType(value: string | number, typename: string): string | null {
  const given = String(value);
  const uuid = UUID.test(given) ? given : idOfType(given, typename);
  return uuid === null ? null : uuid.toLowerCase();
}

/**
 * As idOfType, refusing anything else with INVALID_ID naming the field: by default as a
 * request error; a command passes `refuse` to answer it as its own result error instead.
 */
export function decodeId(
  globalId: string | number,
  typename: string,
  field: string,
  refuse: (message: string, field: string) => Error = (message) =>
    new BadInputError('INVALID_ID', message, field),
): string {
  const id = idOfType(globalId, typename);
  if (id === null) throw refuse(`${field} is not the id of a ${typename}.`, field);
  return id;
}
