// A real relying party, as an integrator writes one: Express + openid-client (discovery, PKCE,
// state, id_token validated against the provider's JWKS by the library). GET /login starts a
// sign-in, /cb finishes it and shows the claims as JSON, /logout is RP-initiated logout.
import type { Server } from 'node:http';
import { createServer, type AddressInfo } from 'node:net';
import express from 'express';
import * as client from 'openid-client';

export interface SignedInAtRp {
  claims: client.IDToken;
  tokens: client.TokenEndpointResponse & client.TokenEndpointResponseHelpers;
}

export interface RelyingParty {
  url: string;
  redirectUri: string;
  config: client.Configuration;
  /** The last sign-in /cb completed. */
  last?: SignedInAtRp;
  /** What /cb refused with (the provider's error, or openid-client's). */
  lastError?: string;
  close(): Promise<void>;
}

export async function listen(app: express.Express, port = 0): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = await new Promise((resolve) => {
    const listening = app.listen(port, '127.0.0.1', () => resolve(listening));
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A free port on 127.0.0.1, so an app's redirect URI can be registered before it listens. */
export async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      srv.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

export interface RelyingPartyOptions {
  port: number;
  clientId: string;
  /** Undefined: a public client (PKCE only). */
  clientSecret: string | undefined;
  /** What /login asks for. */
  scope: string;
}

export async function startRelyingParty(issuer: string, options: RelyingPartyOptions): Promise<RelyingParty> {
  const { clientId, clientSecret, scope } = options;
  const app = express();
  const pending = new Map<string, string>();
  const server = await listen(app, options.port);
  const redirectUri = `${server.url}/cb`;
  const config = await client.discovery(new URL(issuer), clientId, undefined, clientSecret ? client.ClientSecretBasic(clientSecret) : client.None(), {
    execute: [client.allowInsecureRequests],
  });
  const rp: RelyingParty = { url: server.url, redirectUri, config, close: server.close };

  app.get('/login', async (_req, res) => {
    const verifier = client.randomPKCECodeVerifier();
    const state = client.randomState();
    pending.set(state, verifier);
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: redirectUri,
      scope,
      state,
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
    });
    res.redirect(302, url.href);
  });
  app.get('/cb', async (req, res) => {
    const current = new URL(req.originalUrl, server.url);
    const state = current.searchParams.get('state') ?? '';
    try {
      const tokens = await client.authorizationCodeGrant(config, current, { pkceCodeVerifier: pending.get(state), expectedState: state });
      pending.delete(state);
      const claims = tokens.claims();
      if (!claims) throw new Error('no id_token');
      rp.last = { claims, tokens };
      res.json({ signedIn: claims });
    } catch (error) {
      rp.lastError = error instanceof Error ? `${(error as { error?: string }).error ?? error.name}: ${error.message}` : String(error);
      res.status(400).json({ refused: rp.lastError });
    }
  });
  app.get('/logout', (_req, res) => {
    const idToken = rp.last?.tokens.id_token;
    res.redirect(
      302,
      client.buildEndSessionUrl(config, { ...(idToken ? { id_token_hint: idToken } : {}), post_logout_redirect_uri: `${server.url}/signed-out` }).href,
    );
  });
  app.get('/signed-out', (_req, res) => {
    res.json({ signedOut: true });
  });
  return rp;
}
