import { randomBytes } from 'node:crypto';
import { isUniqueViolation } from '../db/errors.js';
import type { Scopes } from '../db/tenancy.js';
import { fail } from '../shared/errors.js';
import type { Authorization } from './charging.model.js';
import type { IdTokenType } from './charging.tables.js';

export interface IdTag {
  id_tag: string;
  status: 'Accepted' | 'Blocked' | 'Expired' | 'Invalid';
  expires_at: Date | null;
  created_at: Date;
}

const COLUMNS = ['id_tag', 'status', 'expires_at', 'created_at'] as const;

/** An app token: `VS` and 18 random letters and digits (20 characters fit every protocol's id token). */
const appToken = () =>
  `VS${randomBytes(18)
    .toString('base64url')
    .replace(/[^A-Za-z0-9]/g, '0')
    .slice(0, 18)
    .toUpperCase()}`;

/**
 * The tokens chargers authorise (RFID cards, app tokens, one-off guest tokens). They are
 * platform-wide: a driver's card works at every network.
 */
export class IdTagsService {
  constructor(private readonly scopes: Scopes) {}

  /** Registers a driver's card; a card already registered by anyone is refused. */
  async register(driverId: string, idTag: string): Promise<IdTag> {
    try {
      return await this.scopes.system((tx) =>
        tx.insertInto('id_tags').values({ id_tag: idTag, driver_id: driverId, status: 'Accepted' }).returning(COLUMNS).executeTakeFirstOrThrow(),
      );
    } catch (error) {
      if (isUniqueViolation(error)) throw fail.conflict('This card is already registered.', 'id-tag-taken');
      throw error;
    }
  }

  /** A driver's cards, oldest first. */
  list(driverId: string): Promise<IdTag[]> {
    return this.scopes.system((tx) => tx.selectFrom('id_tags').select(COLUMNS).where('driver_id', '=', driverId).orderBy('created_at').execute());
  }

  /** The token a driver is known by at chargers: their first accepted card. */
  async primaryOf(driverId: string): Promise<string | undefined> {
    const row = await this.scopes.system((tx) =>
      tx.selectFrom('id_tags').select('id_tag').where('driver_id', '=', driverId).where('status', '=', 'Accepted').orderBy('created_at').executeTakeFirst(),
    );
    return row?.id_tag;
  }

  /**
   * The token the platform starts a driver's charges with: their first accepted card, else an app
   * token issued now (type Central, kept for later starts and reservations).
   */
  async tokenForRemoteStart(driverId: string): Promise<string> {
    const primary = await this.primaryOf(driverId);
    if (primary) return primary;
    const token = appToken();
    await this.scopes.system((tx) =>
      tx.insertInto('id_tags').values({ id_tag: token, driver_id: driverId, status: 'Accepted', token_type: 'Central' }).execute(),
    );
    return token;
  }

  /** A one-off token the platform issues (to start a guest's charge remotely); it expires on its own. */
  async issueOneOff(idTag: string, validForMs: number): Promise<void> {
    await this.scopes.system((tx) =>
      tx
        .insertInto('id_tags')
        .values({ id_tag: idTag, driver_id: null, status: 'Accepted', expires_at: new Date(Date.now() + validForMs), token_type: 'Central' })
        .execute(),
    );
  }

  /**
   * What a charger is told about a token. A token registered with a type is known only under that
   * type, or with none given (a 1.6 idTag); one registered without a type is known under any.
   */
  async authorize(idTag: string, type?: IdTokenType): Promise<Authorization> {
    const row = await this.scopes.system((tx) => tx.selectFrom('id_tags').selectAll().where('id_tag', '=', idTag).executeTakeFirst());
    if (!row || (type && row.token_type && row.token_type !== type)) return { status: 'Invalid' };
    if (row.status === 'Accepted' && row.expires_at && row.expires_at.getTime() <= Date.now()) return { status: 'Expired', expiresAt: row.expires_at };
    return { status: row.status, expiresAt: row.expires_at ?? undefined, driverId: row.driver_id ?? undefined };
  }
}
