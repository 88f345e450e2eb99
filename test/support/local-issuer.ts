/**
 * A local OpenID issuer on 127.0.0.1 standing in for Microsoft's two token services, so the authenticated Teams path
 * runs offline against the real botbuilder:
 * - the Bot Framework channel's (inbound): OpenID metadata and a JWKS whose keys are endorsed for `msteams`, and
 *   `channelToken()`/`sign()` to mint the JWTs Teams sends with each activity;
 * - Entra's (outbound): a client-credentials token endpoint that checks the bot's app id and secret and issues the
 *   tokens the bot presents to the Bot Connector, which `verify()` checks (signature, issuer, audience, expiry).
 * A second "foreign" key pair, never published, forges tokens that must fail. node:crypto only.
 *
 * Every issuer serves under a path of its own (a fresh uuid), because botbuilder caches OpenID metadata per URL for
 * the life of the process: a later issuer on a recycled port must never meet an earlier one's keys.
 */
import { generateKeyPairSync, type KeyObject, randomUUID, sign, verify } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readBody } from './read-body.js';

/** The `iss` of tokens from the Bot Framework channel (botbuilder's ToBotFromChannelTokenIssuer). */
export const CHANNEL_TOKEN_ISSUER = 'https://api.botframework.com';
/** The scope the bot asks for and the audience of the tokens the Bot Connector accepts. */
export const CONNECTOR_AUDIENCE = 'https://api.botframework.com';

export interface SigningKey {
  kid: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
}

export type Claims = Record<string, unknown>;

export interface SignOptions {
  /** Default: the issuer's published key. */
  key?: KeyObject;
  /** Default: the kid of the issuer's published key (a forgery claims it too). */
  kid?: string;
  alg?: string;
}

export interface ChannelTokenOptions {
  /** `aud`: the bot's app id. */
  appId: string;
  /** The `serviceurl` claim: the activity's serviceUrl. */
  serviceUrl: string;
  /** Extra or replaced claims (`exp`, `nbf`, `iss`, `aud`, …); `undefined` removes one. */
  claims?: Claims;
  sign?: SignOptions;
}

export interface TokenRequest {
  at: number;
  clientId?: string;
  scope?: string;
  grantType?: string;
  /** The HTTP status the endpoint answered. */
  status: number;
}

export interface VerifyOptions {
  audience: string;
  /** Default: this issuer's own `issuer` (the outbound tokens it issues). */
  issuer?: string;
  /** When set, the token's `appid`/`azp` must be this client. */
  clientId?: string;
}

export interface LocalIssuer {
  /** Base of every route, without a trailing slash: `http://127.0.0.1:PORT/<uuid>`. */
  url: string;
  /** The authority the bot's credentials log in at (botbuilder's ToChannelFromBotLoginUrl). */
  authority: string;
  /** The `iss` of the outbound tokens the token endpoint issues. */
  issuer: string;
  metadataUrl: string;
  /** Emulator metadata: it publishes no keys, so no emulator token is ever accepted. */
  emulatorMetadataUrl: string;
  jwksUrl: string;
  tokenUrl: string;
  /** The published signing key. */
  key: SigningKey;
  /** A key pair the JWKS never lists: what a forger would sign with. */
  foreign: SigningKey;
  /** Every call to the token endpoint, answered or refused. */
  tokenRequests: TokenRequest[];
  /** Every request path the issuer saw (metadata, keys, token). */
  requests: string[];
  /** A client (app id and secret) the token endpoint accepts. */
  addClient(clientId: string, secret: string): void;
  /** A compact RS256 JWT of `claims`, by default signed with the published key under its kid. */
  sign(claims: Claims, options?: SignOptions): string;
  /** A channel token as the Bot Framework sends with an activity: valid for an hour unless `claims` says otherwise. */
  channelToken(options: ChannelTokenOptions): string;
  /** The claims of `token` if it carries a valid signature of the published key and `options` hold, else undefined. */
  verify(token: string, options: VerifyOptions): Claims | undefined;
  /** The Bot Framework settings that point botbuilder here: all of them, as it then takes none of its defaults. */
  botFrameworkAuthConfig(): Record<string, string | boolean>;
  close(): Promise<void>;
}

const base64url = (value: string | Buffer) => Buffer.from(value).toString('base64url');
const nowSeconds = () => Math.floor(Date.now() / 1000);
const isRecord = (v: unknown): v is Claims => typeof v === 'object' && v !== null && !Array.isArray(v);

function keyPair(): SigningKey {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { kid: `kid-${randomUUID().slice(0, 8)}`, privateKey, publicKey };
}

/** RS256 over `header.payload`; `undefined` claims are left out, as JSON leaves them out. */
export function signJwt(claims: Claims, key: KeyObject, kid: string, alg = 'RS256'): string {
  const header = base64url(JSON.stringify({ alg, typ: 'JWT', kid }));
  const payload = base64url(JSON.stringify(claims));
  const signature = sign('RSA-SHA256', Buffer.from(`${header}.${payload}`), key);
  return `${header}.${payload}.${signature.toString('base64url')}`;
}

/** The header and claims of a compact JWT, unverified; undefined when it is not one. */
export function decodeJwt(token: string): { header: Claims; claims: Claims } | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  try {
    const header: unknown = JSON.parse(Buffer.from(parts[0]!, 'base64url').toString('utf8'));
    const claims: unknown = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8'));
    return isRecord(header) && isRecord(claims) ? { header, claims } : undefined;
  } catch {
    return undefined;
  }
}

export async function startLocalIssuer(): Promise<LocalIssuer> {
  const key = keyPair();
  const foreign = keyPair();
  const clients = new Map<string, string>();
  const tokenRequests: TokenRequest[] = [];
  const requests: string[] = [];
  const prefix = `/${randomUUID()}`;
  let url = '';

  const jwk = (k: SigningKey) => ({
    ...k.publicKey.export({ format: 'jwk' }),
    kid: k.kid,
    use: 'sig',
    alg: 'RS256',
    // botbuilder accepts a key only for the channels it endorses (the activity's channelId).
    endorsements: ['msteams'],
  });

  const send = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
    res.end(JSON.stringify(body));
  };

  async function token(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBody(req);
    const type = req.headers['content-type'] ?? '';
    const form = type.includes('json')
      ? new URLSearchParams(Object.entries(JSON.parse(raw || '{}') as Record<string, string>))
      : new URLSearchParams(raw);
    const clientId = form.get('client_id') ?? undefined;
    const secret = form.get('client_secret') ?? undefined;
    const scope = form.get('scope') ?? undefined;
    const grantType = form.get('grant_type') ?? undefined;
    const record = (status: number) => tokenRequests.push({ at: Date.now(), clientId, scope, grantType, status });
    if (grantType !== 'client_credentials') {
      record(400);
      return send(res, 400, { error: 'unsupported_grant_type' });
    }
    if (!clientId || !clients.has(clientId) || clients.get(clientId) !== secret) {
      record(401);
      return send(res, 401, { error: 'invalid_client', error_description: 'unknown client or wrong secret' });
    }
    const audience = (scope ?? '').replace(/\/\.default$/, '');
    if (audience !== CONNECTOR_AUDIENCE) {
      record(400);
      return send(res, 400, { error: 'invalid_scope', error_description: `no resource ${audience}` });
    }
    record(200);
    const iat = nowSeconds();
    const accessToken = issuer.sign({
      iss: issuer.issuer,
      aud: audience,
      appid: clientId,
      azp: clientId,
      sub: clientId,
      ver: '2.0',
      iat,
      nbf: iat,
      exp: iat + 3600,
    });
    send(res, 200, { token_type: 'Bearer', expires_in: 3600, ext_expires_in: 3600, access_token: accessToken });
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    requests.push(path);
    if (!path.startsWith(`${prefix}/`)) return send(res, 404, { error: 'not_found' });
    const route = path.slice(prefix.length);
    if (req.method === 'GET' && route === '/.well-known/openid-configuration') {
      return send(res, 200, {
        issuer: CHANNEL_TOKEN_ISSUER,
        authorization_endpoint: `${url}/authorize`,
        jwks_uri: `${url}/keys`,
        id_token_signing_alg_values_supported: ['RS256'],
        token_endpoint_auth_methods_supported: ['private_key_jwt'],
      });
    }
    if (req.method === 'GET' && route === '/keys') return send(res, 200, { keys: [jwk(key)] });
    if (req.method === 'GET' && route === '/emulator/.well-known/openid-configuration') {
      return send(res, 200, { issuer: `${url}/emulator`, jwks_uri: `${url}/emulator/keys` });
    }
    if (req.method === 'GET' && route === '/emulator/keys') return send(res, 200, { keys: [] });
    if (req.method === 'POST' && route === '/oauth2/v2.0/token') return token(req, res);
    send(res, 404, { error: 'not_found' });
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => send(res, 500, { error: 'server_error', error_description: String(err) }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}${prefix}`;

  const issuer: LocalIssuer = {
    url,
    authority: url,
    issuer: `${url}/v2.0`,
    metadataUrl: `${url}/.well-known/openid-configuration`,
    emulatorMetadataUrl: `${url}/emulator/.well-known/openid-configuration`,
    jwksUrl: `${url}/keys`,
    tokenUrl: `${url}/oauth2/v2.0/token`,
    key,
    foreign,
    tokenRequests,
    requests,
    addClient(clientId, secret) {
      clients.set(clientId, secret);
    },
    sign(claims, options = {}) {
      return signJwt(claims, options.key ?? key.privateKey, options.kid ?? key.kid, options.alg);
    },
    channelToken({ appId, serviceUrl, claims = {}, sign: signOptions }) {
      const iat = nowSeconds();
      const all: Claims = {
        iss: CHANNEL_TOKEN_ISSUER,
        aud: appId,
        serviceurl: serviceUrl,
        iat,
        nbf: iat - 5,
        exp: iat + 3600,
        ...claims,
      };
      return issuer.sign(all, signOptions);
    },
    verify(token, { audience, issuer: iss = issuer.issuer, clientId }) {
      const parts = token.split('.');
      const decoded = decodeJwt(token);
      if (!decoded || parts.length !== 3) return undefined;
      const { header, claims } = decoded;
      if (header.alg !== 'RS256' || header.kid !== key.kid) return undefined;
      const signed = verify(
        'RSA-SHA256',
        Buffer.from(`${parts[0]}.${parts[1]}`),
        key.publicKey,
        Buffer.from(parts[2]!, 'base64url'),
      );
      if (!signed) return undefined;
      const now = nowSeconds();
      if (typeof claims.exp !== 'number' || claims.exp <= now) return undefined;
      if (typeof claims.nbf === 'number' && claims.nbf > now + 60) return undefined;
      if (claims.iss !== iss || claims.aud !== audience) return undefined;
      if (clientId !== undefined && claims.appid !== clientId && claims.azp !== clientId) return undefined;
      return claims;
    },
    botFrameworkAuthConfig() {
      return {
        ValidateAuthority: false,
        ToChannelFromBotLoginUrl: issuer.authority,
        ToChannelFromBotOAuthScope: CONNECTOR_AUDIENCE,
        ToBotFromChannelTokenIssuer: CHANNEL_TOKEN_ISSUER,
        OAuthUrl: `${url}/token-service`,
        ToBotFromChannelOpenIdMetadataUrl: issuer.metadataUrl,
        ToBotFromEmulatorOpenIdMetadataUrl: issuer.emulatorMetadataUrl,
        CallerId: 'urn:botframework:azure',
      };
    },
    close() {
      return new Promise((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      });
    },
  };
  return issuer;
}
