import type { Scopes, Tx } from '../db/tenancy.js';
import { isValidTimeZone } from '../locations/opening-hours.js';
import { type DomainFieldError, fail } from '../shared/errors.js';
import { newId } from '../shared/ids.js';
import type { Article, ArticleRequest, CannedReply, CannedReplyRequest, OnCallShift, OnCallShiftRequest } from './desk.model.js';
import type { TicketKind } from './support.tables.js';

const minuteOf = (time: string) => {
  const [h, m] = time.split(':').map(Number) as [number, number];
  return h * 60 + m;
};
const timeOf = (minute: number) => `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;
const baseLanguage = (tag: string) => tag.split('-')[0]?.toLowerCase() ?? tag;

/** The weekday (0 = Sunday) and minute of the day at `at` in `timeZone`. */
export function localClock(at: Date, timeZone: string): { weekday: number; minute: number } {
  const parts = new Intl.DateTimeFormat('en-GB', { timeZone, weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(at);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  const weekday = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'].indexOf(get('weekday'));
  return { weekday, minute: Number(get('hour')) * 60 + Number(get('minute')) };
}

/** Whether a shift covers `at`: on one of its days from its start, or, past midnight, into the next day. */
export function onShift(shift: { weekdays: number[]; starts_minute: number; ends_minute: number; time_zone: string }, at: Date): boolean {
  const { weekday, minute } = localClock(at, shift.time_zone);
  if (shift.starts_minute < shift.ends_minute) return shift.weekdays.includes(weekday) && minute >= shift.starts_minute && minute < shift.ends_minute;
  // Runs past midnight: the evening part on its days, the morning part on the day after.
  if (shift.weekdays.includes(weekday) && minute >= shift.starts_minute) return true;
  return shift.weekdays.includes((weekday + 6) % 7) && minute < shift.ends_minute;
}

/**
 * How a network runs its desk: the on-call rota (who answers urgent tickets at each hour, in which
 * languages), canned replies per language, and the help articles the app shows before a driver writes.
 */
export class SupportDeskService {
  constructor(private readonly scopes: Scopes) {}

  // ---- on call ------------------------------------------------------------------------------

  async addShift(tenantId: string, input: OnCallShiftRequest): Promise<OnCallShift> {
    const errors: DomainFieldError[] = [];
    const weekdays = [...new Set(input.weekdays)].sort();
    if (weekdays.some((d) => !Number.isInteger(d) || d < 0 || d > 6)) errors.push({ field: 'weekdays', message: 'days are 0 (Sunday) to 6 (Saturday)' });
    if (!isValidTimeZone(input.time_zone)) errors.push({ field: 'time_zone', message: 'is not an IANA time zone' });
    const starts = minuteOf(input.starts);
    const ends = minuteOf(input.ends);
    if (starts >= 1440) errors.push({ field: 'starts', message: 'a shift starts before midnight (24:00 only ends one)' });
    if (ends === 0) errors.push({ field: 'ends', message: 'write 24:00 for midnight at the end' });
    if (starts === ends) errors.push({ field: 'ends', message: 'is the same time as starts' });
    return this.scopes.tenant(tenantId, async (tx) => {
      const member = await tx
        .selectFrom('memberships')
        .select('role')
        .where('tenant_id', '=', tenantId)
        .where('user_id', '=', input.user_id)
        .executeTakeFirst();
      if (!member || member.role === 'viewer') errors.push({ field: 'user_id', message: 'is not staff of this network with support rights' });
      if (errors.length) throw fail.invalid(errors);
      const row = await tx
        .insertInto('support_on_call_shifts')
        .values({
          tenant_id: tenantId,
          id: newId('onc'),
          user_id: input.user_id,
          weekdays,
          starts_minute: starts,
          ends_minute: ends,
          time_zone: input.time_zone,
          languages: [...new Set(input.languages.map(baseLanguage))],
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      return (await this.shiftsWithNames(tx, [row]))[0] as OnCallShift;
    });
  }

  async shifts(tenantId: string): Promise<OnCallShift[]> {
    return this.scopes.tenant(tenantId, async (tx) =>
      this.shiftsWithNames(tx, await tx.selectFrom('support_on_call_shifts').selectAll().where('tenant_id', '=', tenantId).orderBy('id').execute()),
    );
  }

  async removeShift(tenantId: string, id: string): Promise<void> {
    const deleted = await this.scopes.tenant(tenantId, (tx) =>
      tx.deleteFrom('support_on_call_shifts').where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst(),
    );
    if (Number(deleted.numDeletedRows) === 0) throw fail.notFound('shift', id);
  }

  private async shiftsWithNames(
    tx: Tx,
    rows: { id: string; user_id: string; weekdays: number[]; starts_minute: number; ends_minute: number; time_zone: string; languages: string[] }[],
  ): Promise<OnCallShift[]> {
    if (rows.length === 0) return [];
    const names = new Map(
      (
        await tx
          .selectFrom('users')
          .select(['id', 'name'])
          .where(
            'id',
            'in',
            rows.map((r) => r.user_id),
          )
          .execute()
      ).map((u) => [u.id, u.name]),
    );
    return rows.map((r) => ({
      id: r.id,
      user_id: r.user_id,
      name: names.get(r.user_id) ?? '',
      weekdays: r.weekdays,
      starts: timeOf(r.starts_minute),
      ends: timeOf(r.ends_minute),
      time_zone: r.time_zone,
      languages: r.languages,
    }));
  }

  /** Who is on call at `at`: those speaking `language` first, then anyone on shift (someone must answer). */
  async onCall(tx: Tx, tenantId: string, at: Date, language: string): Promise<OnCallShift[]> {
    const rows = await tx.selectFrom('support_on_call_shifts').selectAll().where('tenant_id', '=', tenantId).execute();
    const now = rows.filter((r) => onShift(r, at));
    const speaking = now.filter((r) => r.languages.includes(baseLanguage(language)));
    return this.shiftsWithNames(tx, speaking.length ? speaking : now);
  }

  onCallNow(tenantId: string, at: Date, language: string): Promise<OnCallShift[]> {
    return this.scopes.tenant(tenantId, (tx) => this.onCall(tx, tenantId, at, language));
  }

  // ---- canned replies -----------------------------------------------------------------------

  async addCannedReply(tenantId: string, input: CannedReplyRequest): Promise<CannedReply> {
    return this.scopes.tenant(tenantId, (tx) =>
      tx
        .insertInto('support_canned_replies')
        .values({ tenant_id: tenantId, id: newId('cnr'), language: baseLanguage(input.language), title: input.title.trim(), body: input.body.trim() })
        .returning(['id', 'language', 'title', 'body'])
        .executeTakeFirstOrThrow(),
    );
  }

  cannedReplies(tenantId: string, language?: string): Promise<CannedReply[]> {
    return this.scopes.tenant(tenantId, (tx) =>
      tx
        .selectFrom('support_canned_replies')
        .select(['id', 'language', 'title', 'body'])
        .where('tenant_id', '=', tenantId)
        .$if(language !== undefined, (q) => q.where('language', '=', baseLanguage(language as string)))
        .orderBy('title')
        .execute(),
    );
  }

  async removeCannedReply(tenantId: string, id: string): Promise<void> {
    const deleted = await this.scopes.tenant(tenantId, (tx) =>
      tx.deleteFrom('support_canned_replies').where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst(),
    );
    if (Number(deleted.numDeletedRows) === 0) throw fail.notFound('canned reply', id);
  }

  // ---- help articles ------------------------------------------------------------------------

  async addArticle(tenantId: string, input: ArticleRequest): Promise<Article> {
    const row = await this.scopes.tenant(tenantId, (tx) =>
      tx
        .insertInto('support_articles')
        .values({
          tenant_id: tenantId,
          id: newId('art'),
          language: baseLanguage(input.language),
          topic: input.topic,
          title: input.title.trim(),
          body: input.body.trim(),
        })
        .returningAll()
        .executeTakeFirstOrThrow(),
    );
    return { id: row.id, network_id: row.tenant_id, language: row.language, topic: row.topic, title: row.title, body: row.body, updated_at: row.updated_at };
  }

  async removeArticle(tenantId: string, id: string): Promise<void> {
    const deleted = await this.scopes.tenant(tenantId, (tx) =>
      tx.deleteFrom('support_articles').where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst(),
    );
    if (Number(deleted.numDeletedRows) === 0) throw fail.notFound('article', id);
  }

  /** A network's articles in the reader's language (English where it has none in it), for a topic. */
  async articles(networkId: string, language: string, topic?: TicketKind): Promise<Article[]> {
    const rows = await this.scopes.public(undefined, (tx) =>
      tx
        .selectFrom('support_articles')
        .selectAll()
        .where('tenant_id', '=', networkId)
        .where('language', 'in', [baseLanguage(language), 'en'])
        .$if(topic !== undefined, (q) => q.where('topic', '=', topic as TicketKind))
        .orderBy('title')
        .execute(),
    );
    const own = rows.filter((r) => r.language === baseLanguage(language));
    return (own.length ? own : rows).map((r) => ({
      id: r.id,
      network_id: r.tenant_id,
      language: r.language,
      topic: r.topic,
      title: r.title,
      body: r.body,
      updated_at: r.updated_at,
    }));
  }
}
