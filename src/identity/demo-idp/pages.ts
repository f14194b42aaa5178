import { escapeHtml } from '../../domain/escape-html.js';
import { type Persona, personaAttributes } from './personas.js';

/**
 * The demo IdP's HTML: the persona page (each persona's attributes shown, one button
 * each) and the page that posts the signed response to Brygga's ACS. Plain HTML, no
 * request to any other host; the auto-submit is an external script (CSP-friendly) and the
 * button works without it.
 */

const STYLE = `body{font-family:system-ui,sans-serif;margin:2rem auto;max-width:60rem;padding:0 1rem;color:#111;background:#fff;line-height:1.4}
section{border:1px solid #767676;border-radius:6px;padding:1rem;margin:1rem 0}
h2{margin:0 0 .25rem;font-size:1.15rem}
button{font-size:1rem;padding:.5rem 1rem;background:#0b5394;color:#fff;border:0;border-radius:4px;cursor:pointer}
button:focus{outline:3px solid #f5a623;outline-offset:2px}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.1rem 1rem;font-size:.85rem;margin:.75rem 0}
dt{color:#333;font-family:monospace}dd{margin:0;font-family:monospace;word-break:break-all}
.warning{background:#fff4ce;border:1px solid #8a6d00;padding:.5rem 1rem;border-radius:4px}`;

function page(title: string, body: string, script?: string): string {
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>${escapeHtml(title)} – Brygga demo IdP</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>${STYLE}</style></head>
<body>
<main>
${body}
</main>${script ? `\n<script src="${escapeHtml(script)}"></script>` : ''}
</body>
</html>
`;
}

function attributeList(persona: Persona): string {
  return Object.entries(personaAttributes(persona))
    .map(
      ([name, values]) => `<dt>${escapeHtml(name)}</dt><dd>${escapeHtml(values.join(', '))}</dd>`,
    )
    .join('');
}

/** Every persona, its attributes, and a button that signs in as it. */
export function personaPage(input: {
  action: string;
  request: string;
  personas: readonly Persona[];
}): string {
  const sections = input.personas
    .map(
      (p) => `<section aria-labelledby="persona-${p.key}">
<h2 id="persona-${p.key}">${escapeHtml(p.label)}</h2>
<p>${escapeHtml(`${p.givenName} ${p.surname}`)} — ${escapeHtml(p.purpose)}</p>
<form method="post" action="${escapeHtml(input.action)}">
<input type="hidden" name="request" value="${escapeHtml(input.request)}">
<input type="hidden" name="persona" value="${p.key}">
<button type="submit">${escapeHtml(p.label)}</button>
</form>
<details><summary>Attributes sent</summary><dl>${attributeList(p)}</dl></details>
</section>`,
    )
    .join('\n');
  return page(
    'Choose a persona',
    `<h1>Brygga demo IdP: choose who you are</h1>
<p class="warning">A development identity provider with made-up people of the demo region. It signs real SAML responses, which Brygga checks like any other IdP's. It never runs in production.</p>
${sections}`,
  );
}

/** Posts the signed response to the ACS: at once with JavaScript, by the button without. */
export function postResponsePage(input: {
  acsUrl: string;
  samlResponse: string;
  relayState: string | null;
  persona: Persona;
}): string {
  return page(
    'Signing in',
    `<h1>Signing in to Brygga as ${escapeHtml(input.persona.label)}</h1>
<form method="post" action="${escapeHtml(input.acsUrl)}" id="saml-response">
<input type="hidden" name="SAMLResponse" value="${escapeHtml(input.samlResponse)}">
${input.relayState === null ? '' : `<input type="hidden" name="RelayState" value="${escapeHtml(input.relayState)}">`}
<button type="submit">Continue to Brygga</button>
</form>`,
    '/demo-idp/auto-submit.js',
  );
}

export const AUTO_SUBMIT_SCRIPT = "document.getElementById('saml-response').submit();\n";

export function refusedPage(message: string): string {
  return page(
    'Login request refused',
    `<h1>The demo IdP cannot answer this request</h1>
<p>${escapeHtml(message)}</p>
<p><a href="/">Back to Brygga</a></p>`,
  );
}
