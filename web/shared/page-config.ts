/**
 * What the server tells a page (src/web/built-app.ts renders it into the HTML as JSON, which
 * a Content-Security-Policy without inline scripts still allows: it is data, not a script).
 * Shared by the IDE and the console.
 */
export interface IdentityProviderLink {
  slug: string;
  displayName: string;
}

export function readPageConfig<T extends object>(fallback: T): T {
  const element = document.getElementById('brygga-config');
  if (!element?.textContent) return fallback;
  return { ...fallback, ...(JSON.parse(element.textContent) as Partial<T>) };
}

/** The gateway's SP-initiated login at an IdP, returning to `returnTo` (a path of ours). */
export const signInUrl = (slug: string, returnTo: string) =>
  `/auth/saml/${encodeURIComponent(slug)}/login?returnTo=${encodeURIComponent(returnTo)}`;
