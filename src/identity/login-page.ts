/** The page a person sees when a login fails: plain words and a reference, nothing else. */

import { escapeHtml } from '../domain/escape-html.js';

export function loginFailedPage(message: string, reference: string): string {
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Login failed – Brygga</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body>
<main>
<h1>You could not be logged in</h1>
<p>${escapeHtml(message)}</p>
<p>Reference: <code>${escapeHtml(reference)}</code></p>
<p><a href="/">Back to Brygga</a></p>
</main>
</body>
</html>
`;
}
