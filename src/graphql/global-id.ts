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

/** As idOfType, failing the request with INVALID_ID naming the field. */
export function decodeId(globalId: string | number, typename: string, field: string): string {
  const id = idOfType(globalId, typename);
  if (id === null)
    throw new BadInputError('INVALID_ID', `${field} is not the id of a ${typename}.`, field);
  return id;
}
