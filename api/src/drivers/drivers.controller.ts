import { Body, Controller, Post, Response, Route, SuccessResponse, Tags } from '@tsoa/runtime';
import type { TokenPair } from '../auth/auth.service.js';
import type { ProblemDocument } from '../http/problem.js';
import type { Services } from '../server/services.js';
import type { DriverRegistration } from './drivers.model.js';

export interface DriverRegistrationResult {
  driver_id: string;
  tokens: TokenPair;
}

/** What this controller uses of the platform's services. */
type DriversPorts = Pick<Services, 'auth' | 'drivers'>;

@Route('v1/drivers')
@Tags('Drivers')
export class DriversController extends Controller {
  constructor(private readonly services: DriversPorts) {
    super();
  }

  /** Registers a driver account, valid at every network on the platform, and signs it in. */
  @Post()
  @SuccessResponse(201, 'Created')
  @Response<ProblemDocument>(409, 'Email taken')
  async register(@Body() body: DriverRegistration): Promise<DriverRegistrationResult> {
    const driverId = await this.services.drivers.register(body);
    const tokens = await this.services.auth.startSession(driverId);
    this.setStatus(201);
    return { driver_id: driverId, tokens };
  }
}
