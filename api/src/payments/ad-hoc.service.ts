import type { Logger } from 'pino';
import { randomToken, safeEqual, sha256 } from '../auth/secrets.js';
import type { ChargingService } from '../charging/charging.service.js';
import type { CommandRouter } from '../charging/commands.js';
import type { IdTagsService } from '../charging/id-tags.service.js';
import type { Scopes } from '../db/tenancy.js';
import type { EvseDirectory } from '../locations/evse-directory.js';
import { fail } from '../shared/errors.js';
import { newId } from '../shared/ids.js';
import type { TariffsService } from '../tariffs/tariffs.service.js';
import type { PaymentsService } from './payments.service.js';

export interface AdHocRequest {
  /** @maxLength 64 */
  evse_uid: string;
  /**
   * The card the guest entered on the payment page (Stripe `pm_…`; sandbox `pm_sandbox_visa`).
   * @pattern ^[A-Za-z0-9_]{3,255}$
   * @maxLength 255
   */
  payment_method_id: string;
  /** Where the receipt link goes. @maxLength 254 */
  email?: string;
}

export interface AdHocCharge {
  id: string;
  evse_uid: string;
  status: 'starting' | 'charging' | 'failed';
  /** Keep it: it opens the session and the receipt (shown once). */
  token?: string;
  session: { id: string; status: string; energy_wh: number; cost: { amount: number; currency: string } | null } | null;
  payment_status: string;
}

/** A token chargers accept as an id tag (an id token of 20 characters fits every protocol): `AH` and 18 random ones. */
const oneOffToken = () =>
  `AH${randomToken(12)
    .replace(/[^A-Za-z0-9]/g, '')
    .slice(0, 18)
    .toUpperCase()}`;

/**
 * Charging without an account (EU AFIR ad-hoc): a guest scans the EVSE's QR code, sees the price,
 * pays by card — a hold, as for drivers — and the charger is started remotely with a one-off id
 * tag. The session adopts the hold; the cost is captured at the end; a token opens the receipt.
 */
export class AdHocService {
  constructor(
    private readonly scopes: Scopes,
    private readonly tariffs: TariffsService,
    private readonly payments: PaymentsService,
    private readonly charging: ChargingService,
    private readonly idTags: IdTagsService,
    private readonly evses: EvseDirectory,
    private readonly commands: CommandRouter,
    private readonly logger: Logger,
  ) {}

  /** What a guest's card is held for at an EVSE's network before charging starts (minor units; 0 when unknown). */
  async holdAmountAt(evseUid: string): Promise<number> {
    const row = await this.scopes.system((tx) =>
      tx
        .selectFrom('evses')
        .innerJoin('networks', 'networks.id', 'evses.tenant_id')
        .select('networks.payment_hold_amount')
        .where('evses.id', '=', evseUid)
        .executeTakeFirst(),
    );
    return Number(row?.payment_hold_amount ?? 0);
  }

  /**
   * A guest's charge, in steps: the EVSE must be free, online and priced; the card is held for
   * the network's hold amount; a one-off token is issued and the charge recorded; the charger is
   * started remotely. If it does not start, the hold is released and the charge marked failed.
   */
  async start(request: AdHocRequest): Promise<AdHocCharge> {
    const { target, terms } = await this.chargeableEvse(request.evse_uid);
    const id = newId('ahc');
    const token = randomToken(24);
    const idTag = oneOffToken();
    const hold = await this.holdAmountAt(request.evse_uid);
    const held = await this.holdCard(id, request, target.tenant_id, hold, terms.currency);
    // A one-off token the charger asks about (authorization) and starts with; it expires soon.
    await this.idTags.issueOneOff(idTag, 15 * 60_000);
    await this.scopes.tenant(target.tenant_id, (tx) =>
      tx
        .insertInto('ad_hoc_charges')
        .values({
          tenant_id: target.tenant_id,
          id,
          evse_uid: request.evse_uid,
          id_tag: idTag,
          provider: this.payments.provider.name,
          intent_id: held.intent_id,
          hold_amount: hold,
          currency: terms.currency,
          email: request.email ?? null,
          token_hash: sha256(token),
          status: 'starting',
        })
        .execute(),
    );
    if (!(await this.remoteStart(id, target.identity, target.connector, idTag))) {
      await this.payments.provider.cancel(held.intent_id, `ad-hoc-cancel-${id}`);
      await this.scopes.tenant(target.tenant_id, (tx) =>
        tx
          .updateTable('ad_hoc_charges')
          .set({ status: 'failed', failure_code: 'charger_refused' })
          .where('tenant_id', '=', target.tenant_id)
          .where('id', '=', id)
          .execute(),
      );
      throw fail.conflict('The charger did not start; the hold on your card was released.', 'charger-refused');
    }
    return { ...(await this.get(id, token)), token };
  }

  /** A public EVSE that is free, behind a connected charger, with a published price. */
  private async chargeableEvse(evseUid: string) {
    const target = await this.evses.target(evseUid);
    if (!target) throw fail.notFound('EVSE', evseUid);
    if (target.availability !== 'AVAILABLE' || !target.online) throw fail.conflict('This charger is not free right now.', 'evse-unavailable');
    const terms = await this.scopes.tenant(target.tenant_id, (tx) => this.tariffs.termsForEvse(tx, target.tenant_id, evseUid));
    if (!terms) throw fail.conflict('This charger has no published price, so it cannot be paid ad hoc.', 'no-price');
    return { target, terms };
  }

  /** Holds the card for the charge; a declined card, or one that needs authentication, stops here. */
  private async holdCard(id: string, request: AdHocRequest, tenantId: string, amount: number, currency: string) {
    const held = await this.payments.provider.authorize({
      amount,
      currency,
      payment_method: request.payment_method_id,
      idempotency_key: `ad-hoc-${id}`,
      metadata: { ad_hoc_charge: id, evse_uid: request.evse_uid, network_id: tenantId },
    });
    if (held.status !== 'authorized') {
      throw fail.paymentRequired(
        'payment-declined',
        held.status === 'requires_action' ? 'The card needs authentication; try again on the payment page.' : 'The card was declined.',
        { code: held.failure_code ?? held.status },
      );
    }
    return held;
  }

  /** Whether the charger agreed to start; a charger that is away or refuses is the same to the guest. */
  private async remoteStart(id: string, identity: string, connector: number, idToken: string): Promise<boolean> {
    try {
      return (await this.commands.send(identity, { kind: 'remoteStart', connector, idToken }, 15_000)).accepted;
    } catch (error) {
      this.logger.warn({ err: error, ad_hoc_charge: id }, 'ad-hoc remote start failed');
      return false;
    }
  }

  /** The guest's view, opened with the token they were given. */
  async get(id: string, token: string): Promise<AdHocCharge> {
    const charge = await this.scopes.system((tx) => tx.selectFrom('ad_hoc_charges').selectAll().where('id', '=', id).executeTakeFirst());
    if (!charge || !safeEqual(charge.token_hash, sha256(token))) throw fail.notFound('ad-hoc charge', id);
    const session = charge.session_id ? await this.charging.session(charge.tenant_id, charge.session_id) : null;
    return {
      id: charge.id,
      evse_uid: charge.evse_uid,
      status: charge.status,
      session: session ? { id: session.id, status: session.status, energy_wh: session.energy_wh, cost: session.cost } : null,
      payment_status: session ? await this.payments.statusOf(charge.tenant_id, session.id) : charge.status === 'failed' ? 'released' : 'authorized',
    };
  }

  /** The session behind a guest's charge, for their receipt. */
  async guestSession(id: string, token: string) {
    const charge = await this.get(id, token);
    const row = await this.scopes.system((tx) =>
      tx.selectFrom('ad_hoc_charges').select(['tenant_id', 'session_id']).where('id', '=', id).executeTakeFirstOrThrow(),
    );
    if (!row.session_id) throw fail.conflict('Charging has not started yet.', 'receipt-not-ready');
    return { charge, session: await this.charging.session(row.tenant_id, row.session_id) };
  }
}
