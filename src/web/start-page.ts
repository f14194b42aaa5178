import { escapeHtml } from '../domain/escape-html.js';

/** What the start page offers; src/web/index.ts decides it from the configuration. */
export interface StartPageModel {
  identityProviders: { slug: string; displayName: string }[];
  /** Where a sign-in returns to: the IDE when it is served, else this page. */
  returnTo: string;
  ideUrl: string | null;
  consoleUrl: string;
  schemaUrl: string | null;
}

const signInUrl = (slug: string, returnTo: string) =>
  `/auth/saml/${encodeURIComponent(slug)}/login?returnTo=${encodeURIComponent(returnTo)}`;

/** The page a browser gets at /: plain HTML, one stylesheet from this origin, no script. */
export function startPage(model: StartPageModel): string {
  const signIn =
    model.identityProviders.length === 0
      ? `<p>No identity provider is enabled yet: an identity admin adds the first one with
<code>npm run federation</code> (see the README).</p>`
      : `<ul class="sign-in">
${model.identityProviders
  .map(
    (idp) =>
      `<li><a class="button" href="${escapeHtml(signInUrl(idp.slug, model.returnTo))}">Sign in with ${escapeHtml(idp.displayName)}</a></li>`,
  )
  .join('\n')}
</ul>`;
  const metadata = model.identityProviders
    .map(
      (idp) =>
        `<li><a href="/auth/saml/${encodeURIComponent(idp.slug)}/metadata">SAML SP metadata for ${escapeHtml(idp.displayName)}</a></li>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Brygga</title>
<link rel="stylesheet" href="/start.css">
</head>
<body>
<a class="skip" href="#main">Skip to content</a>
<header>
<p class="brand">Brygga</p>
</header>
<main id="main">
<h1>Brygga</h1>
<p class="lead">A GraphQL API for coordinated discharge from hospital care in Sweden
(<span lang="sv">samverkan vid utskrivning från sluten hälso- och sjukvård</span>,
lag 2017:612). Wards, primary care and municipal social services hand a patient over through
it, every step an append-only event; each person sees only the cases their unit takes part
in, and every access to patient data is logged.</p>

<section aria-labelledby="sign-in-title">
<h2 id="sign-in-title">Sign in</h2>
${signIn}
</section>

<section aria-labelledby="explore-title">
<h2 id="explore-title">Explore the API</h2>
<ul>
<li><a href="${model.consoleUrl}">Console</a>: log review (logguppföljning) and the other work of security officers, identity admins, finance and information owners</li>
${model.ideUrl ? `<li><a href="${model.ideUrl}">GraphQL IDE</a>: run queries as the person you signed in as; withheld fields are listed with their reason</li>` : ''}
${model.schemaUrl ? `<li><a href="${model.schemaUrl}">The schema</a> (GraphQL SDL)</li>` : ''}
<li><a href="/.well-known/jwks.json">Token signing keys</a> (JWKS)</li>
${metadata}
</ul>
</section>
</main>
<footer>
<p>Brygga answers GraphQL at <code>POST /graphql</code> with <code>Authorization: Bearer</code>
and an access token from <code>POST /auth/refresh</code>.</p>
</footer>
</body>
</html>
`;
}
