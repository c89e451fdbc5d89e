import { Body, Controller, Get, Path, Post, Query, Request, Response, Route, SuccessResponse, Tags } from '@tsoa/runtime';
import type { Request as ExpressRequest } from 'express';
import QRCode from 'qrcode';
import type { ProblemDocument } from '../http/problem.js';
import { problems } from '../http/problem.js';
import type { Services } from '../server/services.js';
import type { ResourceId, ShortText } from '../shared/validation.js';
import type { AdHocCharge, AdHocRequest } from './ad-hoc.service.js';
import { sendReceipt } from './receipt-response.js';

/** What this controller uses of the platform's services. */
type AdHocPorts = Pick<Services, 'adHoc' | 'config' | 'payments' | 'tariffs'>;

@Route('v1')
@Tags('Ad-hoc charging')
export class AdHocController extends Controller {
  constructor(private readonly services: AdHocPorts) {
    super();
  }

  /**
   * Pays at the charger without an account: holds the network's amount on the card, then starts
   * the EVSE remotely. The answer's `token` opens the session and its receipt.
   */
  @Post('ad-hoc-charges')
  @SuccessResponse(201, 'Charger starting')
  @Response<ProblemDocument>(402, 'Card declined or needs authentication')
  @Response<ProblemDocument>(409, 'EVSE busy, offline or not priced; or the charger refused (hold released)')
  async start(@Body() body: AdHocRequest): Promise<AdHocCharge> {
    const charge = await this.services.adHoc.start(body);
    this.setStatus(201);
    return charge;
  }

  @Get('ad-hoc-charges/{charge_id}')
  async get(@Path() charge_id: ResourceId, @Query() token: ShortText): Promise<AdHocCharge> {
    return this.services.adHoc.get(charge_id, token);
  }

  /** The guest's receipt: HTML, or PDF with `Accept: application/pdf`; in the language of `lang` or Accept-Language. */
  @Get('ad-hoc-charges/{charge_id}/receipt')
  @Response<ProblemDocument>(409, 'Not priced yet')
  async receipt(@Request() req: ExpressRequest, @Path() charge_id: ResourceId, @Query() token: ShortText, @Query() lang?: ShortText): Promise<void> {
    const { session } = await this.services.adHoc.guestSession(charge_id, token);
    if (session.status !== 'COMPLETED' || !session.cost_breakdown)
      throw problems.conflict('A receipt exists once the session has ended and was priced.', 'receipt-not-ready');
    await sendReceipt(req, await this.services.payments.receiptData(session), lang);
  }

  /** The QR code to print on the EVSE: it opens the payment page (price first, then card). */
  @Get('evses/{evse_uid}/qr.svg')
  async qr(@Request() req: ExpressRequest, @Path() evse_uid: ResourceId): Promise<void> {
    await this.services.tariffs.preview(undefined, evse_uid, new Date());
    const base = this.services.config.publicUrl ?? `${req.protocol}://${req.get('host')}`;
    const svg = await QRCode.toString(`${base}/pay/${encodeURIComponent(evse_uid)}`, { type: 'svg', margin: 2, errorCorrectionLevel: 'M' });
    req.res?.type('image/svg+xml').send(svg);
  }
}
