import {
  type IdentityProviderLink,
  readPageConfig as readShared,
} from '../../shared/page-config.js';

export type { IdentityProviderLink };

export interface PageConfig {
  identityProviders: IdentityProviderLink[];
  schemaUrl: string;
}

export const readPageConfig = (): PageConfig =>
  readShared<PageConfig>({ identityProviders: [], schemaUrl: '/schema.graphql' });
