import type { Scopes, Tx } from '../db/tenancy.js';
import { fail } from '../shared/errors.js';
import { newId } from '../shared/ids.js';
import { consentText } from './consent-texts.js';
import type { ConsentPurpose } from './privacy.tables.js';

export interface ConsentChoice {
  purpose: ConsentPurpose;
  /** For sharing with a partner: which one. */
  partner_id: string | null;
  partner_name: string | null;
  granted: boolean;
  /** The words to show, in the reader's language, and their version (send it back when choosing). */
  text: string;
  text_version: string;
  /** When the person last chose; null: never asked (nothing is shared or used). */
  decided_at: Date | null;
}

export interface ConsentRecord {
  purpose: ConsentPurpose;
  partner_id: string | null;
  granted: boolean;
  text_version: string;
  language: string;
  text_shown: string;
  at: Date;
}

/**
 * Consents per purpose (GDPR Art. 6(1)(a), 7): nothing is assumed — without a grant the purpose
 * is off; each grant or withdrawal is recorded with the words shown; withdrawing works at once,
 * everywhere `granted` is asked.
 */
export class ConsentsService {
  constructor(private readonly scopes: Scopes) {}

  /** The person's current choices: the general purposes and one per automaker partner. */
  async choices(userId: string, locale: string): Promise<ConsentChoice[]> {
    const [partners, latest] = await this.scopes.system(async (tx) => [
      await tx.selectFrom('partners').select(['id', 'name']).where('kind', '=', 'automaker').orderBy('name').execute(),
      await latestChoices(tx, userId),
    ]);
    const find = (purpose: ConsentPurpose, partnerId: string | null) => latest.find((c) => c.purpose === purpose && c.partner_id === partnerId);
    const choice = (purpose: ConsentPurpose, partner?: { id: string; name: string }): ConsentChoice => {
      const words = consentText(purpose, locale, partner?.name);
      const last = find(purpose, partner?.id ?? null);
      return {
        purpose,
        partner_id: partner?.id ?? null,
        partner_name: partner?.name ?? null,
        granted: last?.granted ?? false,
        text: words.text,
        text_version: words.version,
        decided_at: last?.at ?? null,
      };
    };
    return [choice('marketing'), choice('location_history'), ...partners.map((p) => choice('partner_sharing', p))];
  }

  /** Records a grant or withdrawal of the words the person was shown (their version must be the current one). */
  async decide(
    userId: string,
    locale: string,
    decision: { purpose: ConsentPurpose; partner_id?: string; granted: boolean; text_version: string },
  ): Promise<ConsentChoice[]> {
    const partnerId = decision.purpose === 'partner_sharing' ? decision.partner_id : undefined;
    if (decision.purpose === 'partner_sharing' && !partnerId) throw fail.invalid([{ field: 'partner_id', message: 'is required to share with a partner' }]);
    if (decision.purpose !== 'partner_sharing' && decision.partner_id) throw fail.invalid([{ field: 'partner_id', message: 'is only for partner_sharing' }]);
    await this.scopes.system(async (tx) => {
      const partner = partnerId ? await tx.selectFrom('partners').select(['id', 'name']).where('id', '=', partnerId).executeTakeFirst() : undefined;
      if (partnerId && !partner) throw fail.invalid([{ field: 'partner_id', message: 'is not a partner' }]);
      const words = consentText(decision.purpose, locale, partner?.name);
      if (decision.text_version !== words.version)
        throw fail.conflict(`The words for ${decision.purpose} changed (now version ${words.version}); show them and ask again.`, 'consent-text-changed');
      await tx
        .insertInto('consents')
        .values({
          id: newId('cns'),
          user_id: userId,
          purpose: decision.purpose,
          partner_id: partnerId ?? null,
          granted: decision.granted,
          text_version: words.version,
          language: words.language,
          text_shown: words.text,
        })
        .execute();
    });
    return this.choices(userId, locale);
  }

  /** Whether the person's latest choice for the purpose (and partner) is a grant. */
  async granted(userId: string, purpose: ConsentPurpose, partnerId?: string): Promise<boolean> {
    const last = await this.scopes.system((tx) =>
      tx
        .selectFrom('consents')
        .select('granted')
        .where('user_id', '=', userId)
        .where('purpose', '=', purpose)
        .where('partner_id', partnerId ? '=' : 'is', partnerId ?? null)
        .orderBy('at', 'desc')
        .orderBy('id', 'desc')
        .limit(1)
        .executeTakeFirst(),
    );
    return last?.granted ?? false;
  }

  /** The people whose latest choice shares their data with the partner. */
  async sharingWith(partnerId: string): Promise<string[]> {
    const rows = await this.scopes.system((tx) =>
      tx
        .selectFrom('consents')
        .select(['user_id', 'granted'])
        .distinctOn(['user_id'])
        .where('partner_id', '=', partnerId)
        .where('purpose', '=', 'partner_sharing')
        .orderBy('user_id')
        .orderBy('at', 'desc')
        .orderBy('id', 'desc')
        .execute(),
    );
    return rows.filter((r) => r.granted).map((r) => r.user_id);
  }

  /** Every choice the person made, oldest first (for their export). */
  history(userId: string): Promise<ConsentRecord[]> {
    return this.scopes.system((tx) =>
      tx
        .selectFrom('consents')
        .select(['purpose', 'partner_id', 'granted', 'text_version', 'language', 'text_shown', 'at'])
        .where('user_id', '=', userId)
        .orderBy('at')
        .orderBy('id')
        .execute(),
    );
  }
}

/** Erasure: every purpose the person had granted is withdrawn, on the record. */
export async function withdrawAllConsents(tx: Tx, userId: string): Promise<void> {
  const granted = (await latestChoices(tx, userId)).filter((c) => c.granted);
  if (!granted.length) return;
  await tx
    .insertInto('consents')
    .values(
      granted.map((c) => ({
        id: newId('cns'),
        user_id: userId,
        purpose: c.purpose,
        partner_id: c.partner_id,
        granted: false,
        text_version: c.text_version,
        language: 'en',
        text_shown: 'Withdrawn: the account was deleted.',
      })),
    )
    .execute();
}

/** The person's latest record per purpose (and partner): their current choices. */
function latestChoices(tx: Tx, userId: string) {
  return tx
    .selectFrom('consents')
    .select(['purpose', 'partner_id', 'granted', 'text_version', 'at'])
    .distinctOn(['purpose', 'partner_id'])
    .where('user_id', '=', userId)
    .orderBy('purpose')
    .orderBy('partner_id')
    .orderBy('at', 'desc')
    .orderBy('id', 'desc')
    .execute();
}
