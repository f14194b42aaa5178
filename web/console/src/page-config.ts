import { type IdentityProviderLink, readPageConfig } from '../../shared/page-config.js';

/** What src/web/console.ts tells the page: the IdPs a person may sign in with. */
export interface ConsolePageConfig {
  identityProviders: IdentityProviderLink[];
}

export const pageConfig = readPageConfig<ConsolePageConfig>({ identityProviders: [] });
