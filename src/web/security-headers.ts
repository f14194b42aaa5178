import type { Response } from 'express';

/**
 * Headers for the pages Brygga serves to browsers (the start page, the IDE). The policy
 * allows nothing from any other host: scripts, styles, fonts and requests come from this
 * origin only (GraphiQL's fonts and icons are data: URLs inside its stylesheet). Forms may
 * also go to the origins in `formTargets`: signing out redirects to the IdP's logout, and
 * browsers check a form's redirects against form-action too.
 */
export function setPageSecurityHeaders(res: Response, formTargets: readonly string[] = []): void {
  const formAction = ["'self'", ...new Set(formTargets)].join(' ');
  res.set({
    'Content-Security-Policy': [
      "default-src 'none'",
      "script-src 'self'",
      "style-src 'self'",
      "img-src 'self' data:",
      "font-src 'self' data:",
      "connect-src 'self'",
      `form-action ${formAction}`,
      "base-uri 'none'",
      "frame-ancestors 'none'",
    ].join('; '),
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cache-Control': 'no-store',
  });
}

/** The origin of each URL that parses (an IdP's logout URL, for form-action). */
export function originsOf(urls: readonly (string | null)[]): string[] {
  const origins: string[] = [];
  for (const url of urls) {
    if (!url) continue;
    try {
      origins.push(new URL(url).origin);
    } catch {
      // An unparsable URL cannot be a form target either.
    }
  }
  return origins;
}
