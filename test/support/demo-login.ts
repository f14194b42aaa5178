import { createServer } from 'node:net';
import type { PersonaKey } from '../../src/identity/demo-idp/personas.js';

/**
 * A browser's demo login over plain HTTP: the SP's redirect to the demo IdP, the persona
 * page, the persona's button (a form POST), the page that posts the signed response to the
 * ACS, the ACS's session cookie, and POST /auth/refresh for an access token. Each step
 * returns what the browser would see, so tests can stop at any of them.
 */

/**
 * Listens on `port` of loopback (0: any the kernel picks) and lets it go again: the port it
 * had, or null when something else holds it.
 */
export function tryPort(port: number): Promise<number | null> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(null));
    server.listen(port, '127.0.0.1', () => {
      const { port: had } = server.address() as { port: number };
      server.close(() => resolve(had));
    });
  });
}

/** A free port, so PUBLIC_URL can name the port the server will listen on. */
export async function freePort(): Promise<number> {
  const port = await tryPort(0);
  if (port === null) throw new Error('the kernel gave no port on 127.0.0.1');
  return port;
}

function unescapeHtml(text: string): string {
  return text
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

/** The forms of a page: action and hidden fields, and the text of each submit button. */
export function formsOf(
  html: string,
): { action: string; fields: Record<string, string>; button: string }[] {
  return [...html.matchAll(/<form method="post" action="([^"]*)"[^>]*>([\s\S]*?)<\/form>/g)].map(
    (m) => ({
      action: unescapeHtml(m[1]!),
      fields: Object.fromEntries(
        [...m[2]!.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)].map((f) => [
          f[1]!,
          unescapeHtml(f[2]!),
        ]),
      ),
      button: unescapeHtml(/<button type="submit">([^<]*)<\/button>/.exec(m[2]!)?.[1] ?? ''),
    }),
  );
}

export function sessionCookieOf(response: Response): string | null {
  const header = response.headers.getSetCookie().find((c) => c.startsWith('brygga_session='));
  return header ? header.split(';')[0]! : null;
}

export interface DemoLoginSteps {
  /** The persona page (GET of the SP's redirect). */
  personaPage: string;
  /** The page with the signed response, after the persona's button. */
  responseForm: { action: string; fields: Record<string, string> };
}

/** From the SP's login redirect to the form that carries the signed response. */
export async function demoResponseFor(
  baseUrl: string,
  persona: PersonaKey,
  options: { returnTo?: string; publicUrl?: string } = {},
): Promise<DemoLoginSteps> {
  const login = await fetch(
    `${baseUrl}/auth/saml/demo/login?returnTo=${encodeURIComponent(options.returnTo ?? '/graphql')}`,
    { redirect: 'manual' },
  );
  if (login.status !== 302) throw new Error(`login answered ${login.status}`);
  // Behind a proxy the redirect names PUBLIC_URL; the test reaches the same server directly.
  const location = login.headers.get('location')!;
  const idpPage = await fetch(
    options.publicUrl ? location.replace(options.publicUrl, baseUrl) : location,
  );
  const personaPage = await idpPage.text();
  if (idpPage.status !== 200)
    throw new Error(`demo IdP answered ${idpPage.status}: ${personaPage}`);
  const form = formsOf(personaPage).find((f) => f.fields.persona === persona);
  if (!form) throw new Error(`no button for ${persona}`);
  const chosen = await fetch(new URL(form.action, baseUrl), {
    method: 'POST',
    body: new URLSearchParams(form.fields),
  });
  const html = await chosen.text();
  if (chosen.status !== 200) throw new Error(`persona POST answered ${chosen.status}: ${html}`);
  const responseForm = formsOf(html)[0];
  if (!responseForm) throw new Error('no response form');
  if (options.publicUrl)
    responseForm.action = responseForm.action.replace(options.publicUrl, baseUrl);
  return { personaPage, responseForm };
}

/** Posts the response form to the ACS, as the browser's auto-submit does. */
export async function postToAcs(form: { action: string; fields: Record<string, string> }) {
  return fetch(form.action, {
    method: 'POST',
    body: new URLSearchParams(form.fields),
    redirect: 'manual',
  });
}

/** A full demo login: the access token and what /auth/refresh said. */
export async function demoLogin(baseUrl: string, persona: PersonaKey) {
  const { responseForm } = await demoResponseFor(baseUrl, persona);
  const acs = await postToAcs(responseForm);
  const cookie = sessionCookieOf(acs);
  if (acs.status !== 303 || !cookie)
    throw new Error(`ACS answered ${acs.status}: ${await acs.text()}`);
  const refresh = await fetch(`${baseUrl}/auth/refresh`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie },
    body: '{}',
  });
  const body = (await refresh.json()) as {
    accessToken: string;
    roles: string[];
    actingCommission: { unitHsaId: string } | null;
  };
  if (refresh.status !== 200) throw new Error(`refresh answered ${refresh.status}`);
  return { ...body, cookie, redirectedTo: acs.headers.get('location') };
}

export async function graphql(
  baseUrl: string,
  token: string,
  query: string,
  variables: Record<string, unknown> = {},
) {
  const response = await fetch(`${baseUrl}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as { data?: any; errors?: any[]; extensions?: any };
}
