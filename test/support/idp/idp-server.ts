import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { spEndpoints } from '../../../src/identity/saml/service-provider.js';
import type { Harness } from './harness.js';
import type { TestUser } from './users.js';

/**
 * The test IdPs' login pages over HTTP: GET /<slug>/sso takes our AuthnRequest (HTTP-
 * Redirect), "authenticates" the person set for that IdP, and answers with the usual
 * self-submitting HTML form that posts the signed SAMLResponse to our ACS.
 */
export interface IdpServer {
  url: string;
  users: Partial<Record<'inera' | 'kommun', TestUser>>;
  attach(harness: Harness): void;
  close(): Promise<void>;
}

function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export async function startIdpServer(): Promise<IdpServer> {
  const app = express();
  const server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  let harness: Harness | null = null;
  const users: IdpServer['users'] = {};

  app.get('/:slug/sso', async (req, res) => {
    const slug = req.params.slug as 'inera' | 'kommun';
    const user = users[slug];
    if (!harness || !user) {
      res.status(404).send('no such IdP or no person logged in');
      return;
    }
    try {
      const authorizeUrl = `${url}${req.originalUrl}`;
      const spMetadata = await harness.spMetadata(slug);
      const endpoints = spEndpoints(harness.url, slug);
      const signed =
        slug === 'inera'
          ? await harness.inera.respond({
              authorizeUrl,
              spMetadata,
              acsUrl: endpoints.acsUrl,
              user,
            })
          : await harness.kommun.respond({
              authorizeUrl,
              spMetadata,
              spEntityId: endpoints.entityId,
              acsUrl: endpoints.acsUrl,
              user,
            });
      res
        .type('html')
        .send(
          `<!doctype html><html><body onload="document.forms[0].submit()"><form method="post" action="${escapeHtml(signed.acsUrl)}">` +
            `<input type="hidden" name="SAMLResponse" value="${escapeHtml(signed.SAMLResponse)}">` +
            (signed.RelayState !== undefined
              ? `<input type="hidden" name="RelayState" value="${escapeHtml(signed.RelayState)}">`
              : '') +
            '<noscript><button>Continue</button></noscript></form></body></html>',
        );
    } catch (error) {
      res
        .status(400)
        .type('text')
        .send(`IdP refused the request: ${(error as Error).message}`);
    }
  });

  return {
    url,
    users,
    attach(h) {
      harness = h;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A browser enough for SAML: a cookie jar, redirects, and self-submitting forms. */
export class Browser {
  private readonly jar = new Map<string, Map<string, string>>();

  private cookieHeader(target: URL): string {
    const cookies = this.jar.get(target.host);
    return cookies ? [...cookies].map(([k, v]) => `${k}=${v}`).join('; ') : '';
  }

  private store(target: URL, response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const eq = pair!.indexOf('=');
      const cookies = this.jar.get(target.host) ?? new Map<string, string>();
      const value = pair!.slice(eq + 1);
      if (value === '' || /Max-Age=0|Expires=Thu, 01 Jan 1970/i.test(line))
        cookies.delete(pair!.slice(0, eq));
      else cookies.set(pair!.slice(0, eq), value);
      this.jar.set(target.host, cookies);
    }
  }

  async request(url: string, init: RequestInit = {}): Promise<Response> {
    const target = new URL(url);
    const headers = new Headers(init.headers);
    const cookie = this.cookieHeader(target);
    if (cookie) headers.set('cookie', cookie);
    const response = await fetch(target, { ...init, headers, redirect: 'manual' });
    this.store(target, response);
    return response;
  }

  /** Follows redirects and self-submitting forms until a page that is neither; returns it. */
  async navigate(url: string): Promise<{ url: string; response: Response; visited: string[] }> {
    const visited: string[] = [];
    let current = url;
    let response = await this.request(current);
    for (let hops = 0; hops < 10; hops++) {
      visited.push(current);
      if (response.status >= 300 && response.status < 400) {
        current = new URL(response.headers.get('location')!, current).toString();
        response = await this.request(current);
        continue;
      }
      const text = await response.clone().text();
      const form = /<form method="post" action="([^"]+)">([\s\S]*?)<\/form>/.exec(text);
      if (form && /onload="document\.forms\[0\]\.submit\(\)"/.test(text)) {
        const fields = new URLSearchParams();
        for (const input of form[2]!.matchAll(
          /<input type="hidden" name="([^"]+)" value="([^"]*)">/g,
        )) {
          fields.set(decodeEntities(input[1]!), decodeEntities(input[2]!));
        }
        current = decodeEntities(form[1]!);
        response = await this.request(current, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: fields.toString(),
        });
        continue;
      }
      return { url: current, response, visited };
    }
    throw new Error(`too many hops: ${visited.join(' → ')}`);
  }

  /** What a front-end does after login: exchange the session cookie for an access token. */
  async accessToken(baseUrl: string): Promise<{ status: number; body: Record<string, unknown> }> {
    const response = await this.request(`${baseUrl}/auth/refresh`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }
}

function decodeEntities(value: string): string {
  return value
    .replace(/&#(\d+);/g, (_m, code: string) => String.fromCharCode(Number(code)))
    .replace(/&amp;/g, '&');
}
