import { recordKeyUse } from '../api-keys/key-store.js';
import type { StaffRole } from '../db/schema.js';
import type { Scopes, Tx } from '../db/tenancy.js';
import { fail } from '../shared/errors.js';
import { newId } from '../shared/ids.js';
import { DRIVER_PERMISSIONS, isPermission, type Permission, ROLE_PERMISSIONS } from './permissions.js';
import type { Principal } from './principal.js';
import { randomToken, sha256, verifyPassword } from './secrets.js';
import type { TokenSigner } from './tokens.js';

export interface TokenPair {
  access_token: string;
  refresh_token: string;
  token_type: 'Bearer';
  /** Seconds until the access token expires. */
  expires_in: number;
}

interface KeyRow {
  id: string;
  kind: 'secret' | 'publishable';
  tenant_id: string | null;
  partner_id: string | null;
  scopes: string[];
  allowed_origins: string[];
  last_used_at: Date | null;
}

export interface AuthenticatedUser {
  id: string;
  email: string;
}

/** How long a resolved API key is trusted before it is looked up again (revocation in another process takes at most this long). */
const KEY_CACHE_MS = 30_000;
const KEY_CACHE_SIZE = 10_000;

/** Wrong passwords in a row before an account locks; the lock then lasts 30 s, doubling with each further miss, up to 15 min. */
export const LOCK_AFTER = 5;
const lockMs = (failures: number) => Math.min(15 * 60_000, 30_000 * 2 ** (failures - LOCK_AFTER));
const accountLocked = (until: Date, now: Date) => {
  const seconds = Math.max(1, Math.ceil((until.getTime() - now.getTime()) / 1000));
  return fail.rateLimited('account-locked', `Too many wrong passwords for this account: try again in ${seconds} s, or reset the password.`, seconds);
};

/** Touching last_used_at at most once a minute keeps hot keys from writing on every request. */
const lastUseDue = (row: KeyRow) => !row.last_used_at || Date.now() - row.last_used_at.getTime() > 60_000;

function principalOfKey(row: KeyRow): Principal {
  return {
    kind: row.kind === 'secret' ? 'secret_key' : 'publishable_key',
    keyId: row.id,
    tenantId: row.tenant_id ?? undefined,
    partnerId: row.partner_id ?? undefined,
    isDriver: false,
    permissions: new Set(row.scopes.filter(isPermission)),
  };
}

/** Sign-in, token rotation and resolving a bearer credential into a principal. */
export class AuthService {
  private readonly keyCache = new Map<string, { row: KeyRow; until: number }>();
  private readonly endedLogins = new Set<string>();

  constructor(
    private readonly scopes: Scopes,
    private readonly signer: TokenSigner,
    private readonly refreshTtlSeconds: number,
  ) {}

  /**
   * Checks a password. After LOCK_AFTER wrong ones in a row the account refuses sign-in for a
   * while, doubling each time (30 s up to 15 min), whatever the password — so guessing from many
   * addresses, which the per-address limit cannot see, gets nowhere. A right password resets it.
   */
  async verifyCredentials(email: string, password: string, now = new Date()): Promise<AuthenticatedUser | undefined> {
    const user = await this.scopes.system((tx) =>
      tx
        .selectFrom('users')
        .select(['id', 'email', 'password_hash', 'disabled_at', 'locked_until'])
        .where('email', '=', email.trim().toLowerCase())
        .executeTakeFirst(),
    );
    if (user?.locked_until && user.locked_until > now) throw accountLocked(user.locked_until, now);
    const ok = await verifyPassword(user?.password_hash, password);
    if (!user) return undefined;
    if (!ok) {
      const failed = await this.scopes.system((tx) =>
        tx
          .updateTable('users')
          .set((eb) => ({ failed_logins: eb('failed_logins', '+', 1) }))
          .where('id', '=', user.id)
          .returning('failed_logins')
          .executeTakeFirstOrThrow(),
      );
      if (failed.failed_logins >= LOCK_AFTER) {
        const lockedUntil = new Date(now.getTime() + lockMs(failed.failed_logins));
        await this.scopes.system((tx) => tx.updateTable('users').set({ locked_until: lockedUntil }).where('id', '=', user.id).execute());
      }
      return undefined;
    }
    if (user.disabled_at) return undefined;
    await this.scopes.system((tx) =>
      tx.updateTable('users').set({ failed_logins: 0, locked_until: null }).where('id', '=', user.id).where('failed_logins', '>', 0).execute(),
    );
    return { id: user.id, email: user.email };
  }

  /** Starts a token family for a user; `networkId` picks the network when the user staffs several. */
  async startSession(userId: string, networkId?: string, device?: string): Promise<TokenPair> {
    return this.scopes.system(async (tx) => {
      const tenantId = await this.chooseNetwork(tx, userId, networkId);
      return this.issue(tx, userId, tenantId, newId('rtf'), deviceName(device));
    });
  }

  async refresh(refreshToken: string): Promise<TokenPair> {
    const outcome = await this.scopes.system(async (tx) => {
      const row = await tx.selectFrom('refresh_tokens').selectAll().where('token_hash', '=', sha256(refreshToken)).forUpdate().executeTakeFirst();
      if (!row || row.revoked_at || row.expires_at.getTime() <= Date.now()) return { pair: undefined };
      if (row.rotated_at) {
        // A rotated token came back: it was stolen or replayed. End the whole login.
        await tx.updateTable('refresh_tokens').set({ revoked_at: new Date() }).where('family_id', '=', row.family_id).where('revoked_at', 'is', null).execute();
        return { pair: undefined };
      }
      await tx.updateTable('refresh_tokens').set({ rotated_at: new Date() }).where('id', '=', row.id).execute();
      const user = await tx.selectFrom('users').select(['disabled_at']).where('id', '=', row.user_id).executeTakeFirst();
      if (!user || user.disabled_at) return { pair: undefined };
      const stillMember = row.tenant_id ? await this.membership(tx, row.user_id, row.tenant_id) : undefined;
      return { pair: await this.issue(tx, row.user_id, stillMember ? (row.tenant_id ?? undefined) : undefined, row.family_id, row.device) };
    });
    if (!outcome.pair) throw fail.unauthenticated('The refresh token is invalid, expired or revoked.');
    return outcome.pair;
  }

  /** Revokes the login the refresh token belongs to. Unknown tokens are ignored: logout is idempotent. */
  async logout(refreshToken: string): Promise<void> {
    await this.scopes.system(async (tx) => {
      const row = await tx.selectFrom('refresh_tokens').select(['family_id']).where('token_hash', '=', sha256(refreshToken)).executeTakeFirst();
      if (row) {
        await tx.updateTable('refresh_tokens').set({ revoked_at: new Date() }).where('family_id', '=', row.family_id).where('revoked_at', 'is', null).execute();
      }
    });
  }

  /** Resolves `Authorization: Bearer …`: an access token, a secret key, or a publishable key (origin-checked). */
  async resolveBearer(token: string, origin: string | undefined): Promise<Principal | undefined> {
    if (token.startsWith('sk_') || token.startsWith('pk_')) return this.resolveKey(token, origin);
    const claims = await this.signer.verify(token);
    if (!claims) return undefined;
    if (claims.sid && (await this.loginEnded(claims.sid))) return undefined;
    const permissions = new Set<Permission>();
    if (claims.drv) for (const p of DRIVER_PERMISSIONS) permissions.add(p);
    if (claims.tid && claims.role) for (const p of ROLE_PERMISSIONS[claims.role]) permissions.add(p);
    return { kind: 'user', userId: claims.sub, tenantId: claims.tid, role: claims.role, isDriver: claims.drv, sessionId: claims.sid, permissions };
  }

  /**
   * Whether the login was signed out (logout, password change or reset, revoked from the list):
   * asked of the database on each request, so it holds in every process at once; an ended login
   * never comes back, so those answers are kept.
   */
  private async loginEnded(sessionId: string): Promise<boolean> {
    if (this.endedLogins.has(sessionId)) return true;
    const revoked = await this.scopes.system((tx) =>
      tx.selectFrom('refresh_tokens').select('id').where('family_id', '=', sessionId).where('revoked_at', 'is not', null).limit(1).executeTakeFirst(),
    );
    if (!revoked) return false;
    if (this.endedLogins.size >= KEY_CACHE_SIZE) this.endedLogins.clear();
    this.endedLogins.add(sessionId);
    return true;
  }

  /** Forgets cached keys at once, e.g. after a revocation in this process. */
  forgetKeys(): void {
    this.keyCache.clear();
  }

  /**
   * A secret key's principal at once when this process has it cached and owes the database no
   * write; otherwise undefined, and `resolveBearer` answers. Lets a hot read path skip a promise.
   */
  cachedSecretKey(token: string): Principal | undefined {
    if (!token.startsWith('sk_')) return undefined;
    const row = this.cachedKey(sha256(token));
    return row?.kind === 'secret' && !lastUseDue(row) ? principalOfKey(row) : undefined;
  }

  private cachedKey(hash: string): KeyRow | undefined {
    const cached = this.keyCache.get(hash);
    return cached && cached.until > Date.now() ? cached.row : undefined;
  }

  /** Changes a person's own name or language; a field left out is kept. */
  async updateAccount(userId: string, change: { name?: string; locale?: string }): Promise<void> {
    if (change.name === undefined && change.locale === undefined) return;
    if (change.name !== undefined && !change.name.trim()) throw fail.invalid([{ field: 'name', message: 'is empty' }]);
    await this.scopes.system((tx) =>
      tx
        .updateTable('users')
        .set({ ...(change.name !== undefined && { name: change.name.trim() }), ...(change.locale !== undefined && { locale: change.locale }) })
        .where('id', '=', userId)
        .execute(),
    );
  }

  /** A signed-in person's account and the networks they work for, oldest membership first. */
  async account(userId: string) {
    return this.scopes.system(async (tx) => ({
      user: await tx
        .selectFrom('users')
        .select(['id', 'email', 'name', 'locale', 'email_verified_at'])
        .where('id', '=', userId)
        .executeTakeFirst()
        .then((u) => u && { id: u.id, email: u.email, name: u.name, locale: u.locale, email_verified: u.email_verified_at !== null }),
      memberships: await tx
        .selectFrom('memberships')
        .innerJoin('networks', 'networks.id', 'memberships.tenant_id')
        .select(['networks.id as network_id', 'networks.name as network_name', 'memberships.role'])
        .where('memberships.user_id', '=', userId)
        .orderBy('memberships.created_at')
        .execute(),
    }));
  }

  private async lookupKey(hash: string): Promise<KeyRow | undefined> {
    const cached = this.cachedKey(hash);
    if (cached) return cached;
    const row = await this.scopes.system((tx) =>
      tx
        .selectFrom('api_keys')
        .select(['id', 'kind', 'tenant_id', 'partner_id', 'scopes', 'allowed_origins', 'last_used_at'])
        .where('key_hash', '=', hash)
        .where('revoked_at', 'is', null)
        .executeTakeFirst(),
    );
    if (!row) {
      this.keyCache.delete(hash);
      return undefined;
    }
    if (this.keyCache.size >= KEY_CACHE_SIZE) this.keyCache.clear();
    this.keyCache.set(hash, { row, until: Date.now() + KEY_CACHE_MS });
    return row;
  }

  private async resolveKey(key: string, origin: string | undefined): Promise<Principal | undefined> {
    const row = await this.lookupKey(sha256(key));
    if (!row) return undefined;
    if (row.kind === 'publishable' && !(origin && row.allowed_origins.includes(origin))) {
      throw fail.forbidden('This publishable key is not allowed from this origin.');
    }
    if (lastUseDue(row)) {
      row.last_used_at = new Date();
      await this.scopes.system((tx) => recordKeyUse(tx, row.id, row.last_used_at as Date));
    }
    return principalOfKey(row);
  }

  private async chooseNetwork(tx: Tx, userId: string, networkId: string | undefined): Promise<string | undefined> {
    if (networkId) {
      if (!(await this.membership(tx, userId, networkId))) throw fail.forbidden('You are not a member of this network.');
      return networkId;
    }
    const rows = await tx.selectFrom('memberships').select('tenant_id').where('user_id', '=', userId).orderBy('created_at').limit(1).execute();
    return rows[0]?.tenant_id;
  }

  private membership(tx: Tx, userId: string, tenantId: string): Promise<{ role: StaffRole } | undefined> {
    return tx.selectFrom('memberships').select('role').where('user_id', '=', userId).where('tenant_id', '=', tenantId).executeTakeFirst();
  }

  private async issue(tx: Tx, userId: string, tenantId: string | undefined, familyId: string, device: string | null): Promise<TokenPair> {
    const membership = tenantId ? await this.membership(tx, userId, tenantId) : undefined;
    const driver = await tx.selectFrom('drivers').select('user_id').where('user_id', '=', userId).executeTakeFirst();
    const refreshToken = `rt_${randomToken(43)}`;
    await tx
      .insertInto('refresh_tokens')
      .values({
        id: newId('rtk'),
        user_id: userId,
        family_id: familyId,
        tenant_id: membership ? (tenantId ?? null) : null,
        token_hash: sha256(refreshToken),
        expires_at: new Date(Date.now() + this.refreshTtlSeconds * 1000),
        device,
      })
      .execute();
    const access = await this.signer.sign({ sub: userId, tid: membership ? tenantId : undefined, role: membership?.role, drv: Boolean(driver), sid: familyId });
    return { access_token: access, refresh_token: refreshToken, token_type: 'Bearer', expires_in: this.signer.ttlSeconds };
  }
}

const BROWSERS: [RegExp, string][] = [
  [/Edg\//, 'Edge'],
  [/OPR\//, 'Opera'],
  [/Firefox\//, 'Firefox'],
  [/HeadlessChrome\//, 'Headless Chrome'],
  [/Chrome\//, 'Chrome'],
  [/Safari\//, 'Safari'],
];
const SYSTEMS: [RegExp, string][] = [
  [/Android/, 'Android'],
  [/iPhone|iPad|iPod/, 'iOS'],
  [/Windows/, 'Windows'],
  [/Mac OS X|Macintosh/, 'macOS'],
  [/CrOS/, 'ChromeOS'],
  [/Linux/, 'Linux'],
];

/**
 * A login's device as the list of sign-ins shows it: "Chrome on Android" for a browser, else the
 * client's own first word (an app, a script), shortened. A few patterns, not a user-agent
 * database: the name only has to let a person recognise their own devices.
 */
export function deviceName(userAgent: string | undefined): string | null {
  const ua = userAgent?.trim();
  if (!ua) return null;
  const browser = BROWSERS.find(([pattern]) => pattern.test(ua))?.[1];
  const system = SYSTEMS.find(([pattern]) => pattern.test(ua))?.[1];
  if (browser && system) return `${browser} · ${system}`;
  return (ua.split(/\s/)[0] ?? ua).slice(0, 80);
}
