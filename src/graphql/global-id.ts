import { decodeGlobalID } from '@pothos/plugin-relay';
import { BadInputError } from './errors.js';

/** Decodes a Relay global ID, insisting on the expected type (a Unit id is not a Case id). */
export function decodeId(globalId: string | number, typename: string, field: string): string {
  let decoded: { typename: string; id: string };
  try {
    decoded = decodeGlobalID(String(globalId));
  } catch {
    throw new BadInputError('INVALID_ID', `${field} is not a valid id.`, field);
  }
  if (decoded.typename !== typename || !/^[0-9a-f-]{36}$/i.test(decoded.id)) {
    throw new BadInputError('INVALID_ID', `${field} is not the id of a ${typename}.`, field);
  }
  return decoded.id;
}
