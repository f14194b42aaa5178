/**
 * What the server tells the page (src/web/ide.ts renders it into the HTML as JSON, which a
 * Content-Security-Policy without inline scripts still allows: it is data, not a script).
 */
export interface IdentityProviderLink {
  slug: string;
  displayName: string;
}

export interface PageConfig {
  identityProviders: IdentityProviderLink[];
  schemaUrl: string;
}

export function readPageConfig(): PageConfig {
  const element = document.getElementById('brygga-config');
  if (!element?.textContent) return { identityProviders: [], schemaUrl: '/schema.graphql' };
  return JSON.parse(element.textContent) as PageConfig;
}
