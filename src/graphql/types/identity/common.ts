import { GraphQLError } from 'graphql';
import type { Principal } from '../../../authz/principal.js';
import { type IdentityPermission, mayIdentity } from '../../../identity/access.js';
import { IdpInputError, UnknownIdpError } from '../../../identity/idps.js';
import type { IdentityServices } from '../../../identity/index.js';
import { InvalidRuleSetError } from '../../../identity/mapping/rules.js';
import { RuleSetNotFoundError, StaleRuleSetError } from '../../../identity/rule-sets.js';
import { MetadataError } from '../../../identity/saml/metadata.js';
import { SamlRejection } from '../../../identity/saml/xml.js';
import type { Context } from '../../context.js';
import type { RequestErrorCode } from '../../error-codes.js';
import { ForbiddenError, NotFoundError, UnauthenticatedError } from '../../errors.js';

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

/** Who did it, for the identity audit: employee HSA-ID and name. */
export function actorOf(principal: Principal): string {
  return `${principal.hsaId} (${principal.name})`;
}

/** Domain errors → stable GraphQL codes; the input is left unchanged in every case. */
export async function asGraphQL<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof InvalidRuleSetError) {
      throw new IdentityInputError('INVALID_MAPPING_RULES', error.message, error.problems[0]?.path);
    }
    if (error instanceof IdpInputError)
      throw new IdentityInputError('INVALID_IDP', error.message, error.problems[0]?.path);
    if (error instanceof MetadataError)
      throw new IdentityInputError('INVALID_METADATA', error.message);
    if (error instanceof StaleRuleSetError)
      throw new IdentityInputError('STALE_VERSION', error.message, 'expectedVersion');
    if (error instanceof UnknownIdpError) throw new NotFoundError(`Identity provider ${error.idp}`);
    if (error instanceof RuleSetNotFoundError)
      throw new NotFoundError(`Mapping rule set ${error.ruleSetId}`);
    if (error instanceof SamlRejection)
      throw new IdentityInputError('INVALID_ASSERTION', error.message);
    if ((error as { code?: string }).code === 'P2002') {
      throw new IdentityInputError(
        'ALREADY_EXISTS',
        'An identity provider or rule set with that name or entity ID exists already.',
      );
    }
    throw error;
  }
}
