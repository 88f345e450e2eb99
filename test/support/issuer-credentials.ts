/**
 * The bot's outbound credentials against a local issuer: botbuilder's default factory uses MSAL, which insists on
 * https and a known authority, so tests give the adapter this one instead. It answers botbuilder's questions about
 * the app id like the real one, and signs every Bot Connector request with a token it gets from the issuer's token
 * endpoint by client credentials (app id and secret), cached until shortly before it expires.
 */
import { type ServiceClientCredentials, ServiceClientCredentialsFactory } from 'botframework-connector';
import { CONNECTOR_AUDIENCE, decodeJwt } from './local-issuer.js';

type WebResource = Parameters<ServiceClientCredentials['signRequest']>[0];

export interface IssuerCredentialsOptions {
  appId: string;
  password: string;
  /** The issuer's authority: the only login endpoint these credentials accept from botbuilder. */
  authority: string;
}

/** What botbuilder gets from `createCredentials`: a request signer that also names its app id and scope. */
export class IssuerCredentials implements ServiceClientCredentials {
  private cached?: { token: string; expiresAt: number };

  constructor(
    readonly appId: string,
    readonly oAuthScope: string,
    private readonly password: string,
    private readonly tokenUrl: string,
  ) {}

  async getToken(): Promise<string> {
    if (this.cached && this.cached.expiresAt - 60_000 > Date.now()) return this.cached.token;
    const response = await fetch(this.tokenUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: this.appId,
        client_secret: this.password,
        scope: `${this.oAuthScope}/.default`,
      }),
    });
    const body = (await response.json()) as { access_token?: string; error?: string };
    if (!response.ok || !body.access_token) {
      throw new Error(`token endpoint answered ${response.status} ${body.error ?? ''}`.trim());
    }
    const exp = decodeJwt(body.access_token)?.claims.exp;
    this.cached = {
      token: body.access_token,
      expiresAt: typeof exp === 'number' ? exp * 1000 : Date.now() + 60_000,
    };
    return body.access_token;
  }

  async signRequest(webResource: WebResource): Promise<WebResource> {
    webResource.headers.set('authorization', `Bearer ${await this.getToken()}`);
    return webResource;
  }
}

export class IssuerCredentialsFactory extends ServiceClientCredentialsFactory {
  /** Every credentials object botbuilder asked for, in order (app id, audience, login endpoint). */
  readonly created: { appId: string; audience?: string; loginEndpoint: string }[] = [];
  /** One credentials object per audience, so its token is reused until it expires (as MSAL's cache does). */
  private readonly byAudience = new Map<string, IssuerCredentials>();

  constructor(private readonly options: IssuerCredentialsOptions) {
    super();
  }

  async isValidAppId(appId: string): Promise<boolean> {
    return appId === this.options.appId;
  }

  async isAuthenticationDisabled(): Promise<boolean> {
    return false;
  }

  async createCredentials(
    appId: string,
    audience: string | undefined,
    loginEndpoint: string,
    _validateAuthority: boolean,
  ): Promise<ServiceClientCredentials> {
    this.created.push({ appId, audience, loginEndpoint });
    if (appId !== this.options.appId) throw new Error(`no credentials for app ${appId}`);
    // The secret goes to the configured issuer only, whatever botbuilder was told.
    if (loginEndpoint.replace(/\/+$/, '') !== this.options.authority) {
      throw new Error(`refusing to log in at ${loginEndpoint}: not the local issuer`);
    }
    const scope = audience ?? CONNECTOR_AUDIENCE;
    let credentials = this.byAudience.get(scope);
    if (!credentials) {
      credentials = new IssuerCredentials(
        appId,
        scope,
        this.options.password,
        `${this.options.authority}/oauth2/v2.0/token`,
      );
      this.byAudience.set(scope, credentials);
    }
    return credentials;
  }
}
