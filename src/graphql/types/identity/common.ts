import { GraphQLError } from 'graphql';
import type { Principal } from '../../../authz/principal.js';
import { type IdentityPermission, mayIdentity } from '../../../identity/access.js';
import {
  IDENTITY_ERROR_CODES,
  IdentityCommandError,
  type IdentityErrorCode as IdentityErrorCodeValue,
} from '../../../identity/command-error.js';
import { IdpInputError, UnknownIdpError } from '../../../identity/idps.js';
import type { IdentityServices } from '../../../identity/index.js';
import { InvalidRuleSetError } from '../../../identity/mapping/rules.js';
import { RuleSetNotFoundError, StaleRuleSetError } from '../../../identity/rule-sets.js';
import { MetadataError } from '../../../identity/saml/metadata.js';
import { SamlRejection } from '../../../identity/saml/xml.js';
import { builder } from '../../builder.js';
import type { Context } from '../../context.js';
import type { RequestErrorCode } from '../../error-codes.js';
import { RESULT_ERROR_MEANINGS } from '../../error-codes.js';
import { ForbiddenError, NotFoundError, UnauthenticatedError } from '../../errors.js';
import { nodeUuid, uuidOrIdOfType } from '../../global-id.js';
import { ErrorInterface } from '../result-error.js';

/**
 * Refused identity-admin input: code BAD_USER_INPUT (one of the server's stable codes),
 * with `reason` saying which rule was broken and `field` where, when known.
 */
export class IdentityInputError extends GraphQLError {
  constructor(reason: string, message: string, field?: string) {
    super(message, {
      extensions: {
        code: 'BAD_USER_INPUT' satisfies RequestErrorCode,
        reason,
        ...(field ? { field } : {}),
      },
    });
  }
}

/** The identity services of the request's context (src/services.ts: `identity`). */
export function identityOf(ctx: Context): IdentityServices {
  const services = ctx.services as Context['services'] & { identity?: IdentityServices };
  if (!services.identity)
    throw new Error('identity services are not wired into the GraphQL context');
  return services.identity;
}

/** The caller, who must hold the permission; otherwise UNAUTHENTICATED or FORBIDDEN. */
export function requireIdentity(ctx: Context, permission: IdentityPermission): Principal {
  if (!ctx.principal) throw new UnauthenticatedError();
  if (!mayIdentity(ctx.principal, permission)) {
    throw new ForbiddenError(
      permission === 'REVIEW_IDENTITY_EVENTS'
        ? 'Only security officers and identity administrators may read identity events.'
        : 'Only identity administrators may do this.',
    );
  }
  return ctx.principal;
}

/**
 * How `node(id:)` loads an identity object: under the same permission as its list (so a
 * caller the list refuses is refused here too, FORBIDDEN or UNAUTHENTICATED, before anything
 * is read), and an id inside the global id that is no UUID is INVALID_ID, not a database
 * error.
 */
export function identityNodeLoader<T>(
  permission: IdentityPermission,
  load: (id: string, ctx: Context) => Promise<T | null>,
) {
  return (id: string, ctx: Context): Promise<T | null> => {
    requireIdentity(ctx, permission);
    return load(nodeUuid(id), ctx);
  };
}

/** Who did it, for the identity audit: employee HSA-ID and name. */
export function actorOf(principal: Principal): string {
  return `${principal.hsaId} (${principal.name})`;
}

/**
 * The identity domain's refusals as the one error of the identity commands' result
 * unions, or null for anything else (which stays a server error).
 */
function commandErrorOf(error: unknown): IdentityCommandError | null {
  if (error instanceof IdentityCommandError) return error;
  if (error instanceof InvalidRuleSetError)
    return new IdentityCommandError(
      'INVALID_MAPPING_RULES',
      error.message,
      error.problems[0]?.path ?? null,
    );
  if (error instanceof IdpInputError)
    return new IdentityCommandError('INVALID_IDP', error.message, error.problems[0]?.path ?? null);
  if (error instanceof MetadataError)
    return new IdentityCommandError('INVALID_METADATA', error.message);
  if (error instanceof StaleRuleSetError)
    return new IdentityCommandError('CONCURRENT_MODIFICATION', error.message, 'expectedVersion');
  if (error instanceof UnknownIdpError)
    return new IdentityCommandError(
      'IDENTITY_PROVIDER_NOT_FOUND',
      `Identity provider ${error.idp} was not found.`,
    );
  if (error instanceof RuleSetNotFoundError)
    return new IdentityCommandError(
      'RULE_SET_NOT_FOUND',
      `Mapping rule set ${error.ruleSetId} was not found.`,
    );
  if ((error as { code?: string }).code === 'P2002') {
    return new IdentityCommandError(
      'ALREADY_EXISTS',
      'An identity provider or rule set with that name or entity ID exists already.',
    );
  }
  return null;
}

/** An identity command: the domain's refusals become its IdentityError; nothing is changed. */
export async function asIdentityResult<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw commandErrorOf(error) ?? error;
  }
}

/**
 * Domain errors of an identity query (the dry-run) → request errors with stable codes:
 * NOT_FOUND for what it names, else BAD_USER_INPUT with the refusal's code as `reason`.
 */
export async function asGraphQL<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof SamlRejection)
      throw new IdentityInputError('INVALID_ASSERTION', error.message);
    const refused = commandErrorOf(error);
    if (!refused) throw error;
    if (refused.code.endsWith('_NOT_FOUND'))
      throw new NotFoundError(refused.message.replace(/ was not found\.$/, ''));
    throw new IdentityInputError(refused.code, refused.message, refused.field ?? undefined);
  }
}

/**
 * The UUID an identity command's id argument names (its global id, or the deprecated raw
 * UUID); anything else is the command's INVALID_ID naming the field.
 */
export function identityIdArg(value: string | number, typename: string, field: string): string {
  const id = uuidOrIdOfType(value, typename);
  if (id === null)
    throw new IdentityCommandError(
      'INVALID_ID',
      `${field} is not the id of a ${typename} (its global id, or the older raw UUID).`,
      field,
    );
  return id;
}

const IdentityErrorCode = builder.enumType('IdentityErrorCode', {
  description: 'Stable codes of IdentityError; front-ends switch on these, never on messages.',
  values: Object.fromEntries(
    IDENTITY_ERROR_CODES.map((code) => [code, { description: RESULT_ERROR_MEANINGS[code] }]),
  ) as Record<IdentityErrorCodeValue, { description: string }>,
});

builder.objectType(IdentityCommandError, {
  name: 'IdentityError',
  description:
    'Why an identity command was refused: the administration of an IdP, a mapping rule set, a session or the signing key, or a person’s choice of acting commission. A refused command changes nothing.',
  interfaces: [ErrorInterface],
  isTypeOf: (value) => value instanceof IdentityCommandError,
  fields: (t) => ({
    code: t.field({
      type: IdentityErrorCode,
      description: 'The stable code; switch on it, never on the message.',
      resolve: (e) => e.code,
    }),
  }),
});

/**
 * The result options of an identity command: `<Name>Success { <dataField> }` or
 * IdentityError, each described.
 */
export function identityResult(name: string, dataField: string, what: string) {
  return {
    types: [IdentityCommandError],
    result: { description: `${name} was done: ${what}.` },
    union: {
      description: `What ${name} did, or why it was refused (IdentityError).`,
    },
    dataField: {
      name: dataField,
      description: `${what[0]!.toUpperCase()}${what.slice(1)}.`,
    },
  };
}
