import { type components, createClient, type SignedInSession, unwrap, type VoltshareClient } from '@voltshare/sdk';

export type Me = components['schemas']['Me'];
type TokenPair = components['schemas']['TokenPair'];

/** The terms a driver accepts when signing up; recorded with the account. */
export const TERMS_VERSION = '2026-12';

const APP_STORAGE_KEY = 'voltshare.app.session';

export interface SignUp {
  email: string;
  name: string;
  password: string;
  locale: string;
}

/**
 * Who is signed in to the app: the token pair (kept in the browser's storage, refreshed by the
 * SDK when the access token expires) and the account. `change` fires on every sign in or out and
 * on every new access token, so elements given the token follow.
 */
export class AppSession extends EventTarget {
  private tokens: SignedInSession | undefined;
  private signedIn: VoltshareClient | undefined;
  readonly anonymous: VoltshareClient;
  me: Me | undefined;

  constructor(
    readonly apiBase: string,
    publishableKey: string | undefined,
    private readonly storage: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'> = localStorage,
    /** Where the tokens are kept: the driver app and the operator console keep separate logins. */
    private readonly storageKey = APP_STORAGE_KEY,
  ) {
    super();
    this.anonymous = createClient({ baseUrl: apiBase, credential: publishableKey });
    const saved = this.read();
    if (saved) this.adopt(saved);
  }

  /** The client for the signed-in driver, else the publishable key's. */
  get client(): VoltshareClient {
    return this.signedIn ?? this.anonymous;
  }

  get accessToken(): string | undefined {
    return this.tokens?.access_token;
  }

  get isSignedIn(): boolean {
    return Boolean(this.tokens);
  }

  /** Reads the account; a login that no longer works signs out. */
  async load(): Promise<Me | undefined> {
    if (!this.signedIn) return undefined;
    const { data, response } = await this.signedIn.GET('/v1/me');
    if (response.status === 401) {
      this.forget();
      return undefined;
    }
    if (data) this.me = data;
    this.changed();
    return this.me;
  }

  async signIn(email: string, password: string): Promise<void> {
    const tokens = unwrap(await this.anonymous.POST('/v1/auth/login', { body: { email, password } }));
    this.adopt(tokens);
    await this.load();
  }

  async signUp(input: SignUp): Promise<void> {
    const created = unwrap(await this.anonymous.POST('/v1/drivers', { body: { ...input, accepted_terms_version: TERMS_VERSION } }));
    this.adopt(created.tokens);
    await this.load();
  }

  async signOut(): Promise<void> {
    const refresh = this.tokens?.refresh_token;
    this.forget();
    // Ending the login on the server is best effort: the tokens are gone from this browser already.
    if (refresh) await this.anonymous.POST('/v1/auth/logout', { body: { refresh_token: refresh } }).catch(() => undefined);
  }

  /** Saves account changes and keeps the copy shown in step. */
  async update(change: components['schemas']['AccountChange']): Promise<Me> {
    this.me = unwrap(await this.client.PATCH('/v1/me', { body: change }));
    this.changed();
    return this.me;
  }

  private adopt(tokens: Pick<TokenPair, 'access_token' | 'refresh_token'>): void {
    this.tokens = {
      access_token: tokens.access_token,
      refresh_token: tokens.refresh_token,
      onTokens: (fresh) => {
        this.write(fresh);
        this.changed();
      },
    };
    this.write(tokens);
    this.signedIn = createClient({ baseUrl: this.apiBase, session: this.tokens });
  }

  private forget(): void {
    this.tokens = undefined;
    this.signedIn = undefined;
    this.me = undefined;
    this.storage.removeItem(this.storageKey);
    this.changed();
  }

  private read(): Pick<TokenPair, 'access_token' | 'refresh_token'> | undefined {
    try {
      const saved = JSON.parse(this.storage.getItem(this.storageKey) ?? 'null') as TokenPair | null;
      return saved?.access_token && saved.refresh_token ? saved : undefined;
    } catch {
      return undefined;
    }
  }

  private write(tokens: Pick<TokenPair, 'access_token' | 'refresh_token'>): void {
    this.storage.setItem(this.storageKey, JSON.stringify({ access_token: tokens.access_token, refresh_token: tokens.refresh_token }));
  }

  private changed(): void {
    this.dispatchEvent(new Event('change'));
  }
}
