/**
 * The page a person sees when a login fails: plain words and a reference; for NO_ACCESS also
 * what the rules missed, which the person can pass on to their identity admin.
 */

import { escapeHtml } from '../domain/escape-html.js';

export function loginFailedPage(
  message: string,
  reference: string,
  explanation: readonly string[] = [],
): string {
  const missing =
    explanation.length === 0
      ? ''
      : `<h2>What your identity administrator needs to know</h2>
<ul>
${explanation.map((line) => `<li>${escapeHtml(line)}</li>`).join('\n')}
</ul>
`;
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Login failed – Brygga</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body>
<main>
<h1>You could not be logged in</h1>
<p>${escapeHtml(message)}</p>
${missing}<p>Reference: <code>${escapeHtml(reference)}</code></p>
<p><a href="/">Back to Brygga</a></p>
</main>
</body>
</html>
`;
}
