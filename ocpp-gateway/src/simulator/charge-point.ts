import ocppRpc from 'ocpp-rpc';

const { RPCClient } = ocppRpc;
type Client = InstanceType<typeof RPCClient>;

export interface SimulatorOptions {
  /** e.g. ws://localhost:3000/ocpp */
  url: string;
  identity: string;
  password: string;
  connectors?: number;
  /** How many times faster than real time the day runs (arrivals, charging, meter values). */
  speed?: number;
  /** RFID cards drivers present. */
  idTags?: string[];
  /** Max power per connector in W. */
  maxPowerW?: number;
  /** Chance per minute (simulated) that an idle connector gets a car. */
  arrivalPerMinute?: number;
  /** Chance per minute (simulated) of a fault on an idle connector. */
  faultPerMinute?: number;
  random?: () => number;
  onError?: (error: unknown) => void;
  /** A faulty charger that accepts charging profiles and draws full power anyway (for fault drills). */
  ignoreLimits?: boolean;
}

interface Connector {
  id: number;
  state: 'Available' | 'Preparing' | 'Charging' | 'Finishing' | 'Faulted' | 'Unavailable' | 'Reserved';
  transactionId?: number;
  meterWh: number;
  socPercent: number;
  targetSoc: number;
  batteryWh: number;
  faultUntil?: number;
  /** A ReserveNow the charger holds: only this id tag may start until it expires. */
  reservation?: { id: number; idTag: string; expiresAt: number };
  /** A charging profile for this connector only (connector 0's applies to all). */
  limitW?: number;
}

/**
 * A virtual OCPP 1.6J charge point. It answers every remote command of the core, reservation,
 * remote-trigger and smart-charging profiles, and plays a believable day when `start()`ed.
 */
export class SimulatedChargePoint {
  readonly connectors: Connector[];
  private client?: Client;
  private timer?: NodeJS.Timeout;
  private heartbeat?: NodeJS.Timeout;
  private readonly random: () => number;
  private readonly speed: number;
  private config: Record<string, string> = { HeartbeatInterval: '300', MeterValueSampleInterval: '60', NumberOfConnectors: '1' };
  private limitW?: number;

  constructor(readonly options: SimulatorOptions) {
    this.random = options.random ?? Math.random;
    this.speed = options.speed ?? 1;
    this.connectors = Array.from({ length: options.connectors ?? 1 }, (_, i) => ({
      id: i + 1,
      state: 'Available',
      meterWh: Math.round(this.random() * 1e6),
      socPercent: 0,
      targetSoc: 0,
      batteryWh: 0,
    }));
    this.config.NumberOfConnectors = String(this.connectors.length);
  }

  get identity(): string {
    return this.options.identity;
  }

  /** Connects (reconnecting with backoff on loss), boots and reports every connector. */
  async connect(): Promise<void> {
    // ocpp-rpc's typings mark every option as required; the library fills defaults.
    const client = new RPCClient({
      endpoint: this.options.url,
      identity: this.options.identity,
      password: this.options.password,
      protocols: ['ocpp1.6'],
      strictMode: true,
      reconnect: true,
      backoff: { initialDelay: 500, maxDelay: 30_000, factor: 2, randomisationFactor: 0.5 },
    } as ConstructorParameters<typeof RPCClient>[0]);
    this.client = client;
    this.registerCommands(client);
    client.on('open', () => {
      this.boot().catch((e: unknown) => this.options.onError?.(e));
    });
    await client.connect();
  }

  /** Plays the day: a tick per simulated minute. */
  start(tickMs = Math.max(50, 60_000 / this.speed)): void {
    this.timer = setInterval(() => this.tick().catch((e: unknown) => this.options.onError?.(e)), tickMs);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    clearInterval(this.heartbeat);
    await this.client?.close({ force: true }).catch(() => {});
  }

  async boot(): Promise<void> {
    const client = this.client;
    if (!client) return;
    const res = (await client.call('BootNotification', { chargePointVendor: 'Voltshare', chargePointModel: 'Simulator', firmwareVersion: '1.0.0' })) as {
      interval: number;
      status: string;
    };
    clearInterval(this.heartbeat);
    this.heartbeat = setInterval(() => client.call('Heartbeat', {}).catch(() => {}), Math.max(1000, (res.interval * 1000) / this.speed));
    for (const c of this.connectors) await this.status(c, c.state);
  }

  private async status(c: Connector, state: Connector['state'], errorCode = 'NoError'): Promise<void> {
    c.state = state;
    await this.client?.call('StatusNotification', { connectorId: c.id, errorCode, status: state, timestamp: new Date().toISOString() });
  }

  /** One simulated minute. */
  async tick(): Promise<void> {
    for (const c of this.connectors) {
      if (c.state === 'Available') {
        if (this.random() < (this.options.faultPerMinute ?? 0.0005)) {
          c.faultUntil = Date.now() + (20 * 60_000) / this.speed;
          await this.status(c, 'Faulted', 'OtherError');
        } else if (this.random() < (this.options.arrivalPerMinute ?? 0.02)) {
          await this.arrive(c);
        }
      } else if (c.state === 'Faulted' && c.faultUntil && Date.now() >= c.faultUntil) {
        c.faultUntil = undefined;
        await this.status(c, 'Available');
      } else if (c.state === 'Charging') {
        await this.charge(c, 60);
      } else if (c.state === 'Finishing') {
        await this.status(c, 'Available');
      } else if (c.state === 'Reserved' && c.reservation && Date.now() >= c.reservation.expiresAt) {
        c.reservation = undefined;
        await this.status(c, 'Available');
      }
    }
  }

  /** A car plugs in and its driver taps a card. */
  async arrive(c: Connector, idTag?: string): Promise<number | undefined> {
    const tags = this.options.idTags ?? ['SIM-CARD'];
    const tag = idTag ?? tags[Math.floor(this.random() * tags.length)] ?? 'SIM-CARD';
    const reservation = c.reservation;
    // A reserved connector only lets its reservation's id tag start.
    if (reservation && reservation.idTag !== tag) return undefined;
    await this.status(c, 'Preparing');
    const auth = (await this.client?.call('Authorize', { idTag: tag })) as { idTagInfo: { status: string } } | undefined;
    if (auth?.idTagInfo.status !== 'Accepted') {
      await this.status(c, 'Available');
      return undefined;
    }
    c.reservation = undefined;
    return this.startTransaction(c, tag, reservation?.id);
  }

  private async startTransaction(c: Connector, idTag: string, reservationId?: number): Promise<number | undefined> {
    c.batteryWh = 40_000 + Math.round(this.random() * 50_000);
    c.socPercent = 10 + Math.round(this.random() * 40);
    c.targetSoc = 80 + Math.round(this.random() * 20);
    const res = (await this.client?.call('StartTransaction', {
      connectorId: c.id,
      idTag,
      meterStart: c.meterWh,
      timestamp: new Date().toISOString(),
      ...(reservationId !== undefined ? { reservationId } : {}),
    })) as {
      transactionId: number;
    };
    c.transactionId = res.transactionId;
    await this.status(c, 'Charging');
    return c.transactionId;
  }

  /** Constant power until 80 % state of charge, then a linear taper (a CC-CV curve). */
  powerW(c: Connector): number {
    const max = this.options.ignoreLimits
      ? (this.options.maxPowerW ?? 22_000)
      : Math.min(this.options.maxPowerW ?? 22_000, this.limitW ?? Number.POSITIVE_INFINITY, c.limitW ?? Number.POSITIVE_INFINITY);
    if (c.socPercent < 80) return max;
    return Math.max(1_500, max * ((100 - c.socPercent) / 20));
  }

  async charge(c: Connector, seconds: number): Promise<void> {
    const power = this.powerW(c);
    const wh = (power * seconds) / 3600;
    c.meterWh += Math.round(wh);
    c.socPercent = Math.min(100, c.socPercent + (wh / c.batteryWh) * 100);
    await this.client?.call('MeterValues', {
      connectorId: c.id,
      transactionId: c.transactionId,
      meterValue: [
        {
          timestamp: new Date().toISOString(),
          sampledValue: [
            { value: String(c.meterWh), measurand: 'Energy.Active.Import.Register', unit: 'Wh' },
            { value: String(Math.round(power)), measurand: 'Power.Active.Import', unit: 'W' },
            { value: String(Math.round(c.socPercent)), measurand: 'SoC', unit: 'Percent' },
          ],
        },
      ],
    });
    if (c.socPercent >= c.targetSoc) await this.stopTransaction(c, 'EVDisconnected');
  }

  async stopTransaction(c: Connector, reason: string): Promise<void> {
    if (c.transactionId === undefined) return;
    await this.client?.call('StopTransaction', { transactionId: c.transactionId, meterStop: c.meterWh, timestamp: new Date().toISOString(), reason });
    c.transactionId = undefined;
    await this.status(c, 'Finishing');
  }

  private registerCommands(client: Client): void {
    const connector = (id: unknown) => this.connectors.find((c) => c.id === id);
    // Payloads arrive validated against the OCPP 1.6 schemas (strict mode).
    const on = <T = Record<string, unknown>>(action: string, handler: (params: T) => Promise<Record<string, unknown>>) =>
      client.handle(action, ({ params }) => handler(params as T));
    on<{ connectorId?: number; idTag: string }>('RemoteStartTransaction', async (params) => {
      const c = params.connectorId ? connector(params.connectorId) : this.connectors.find((x) => x.state === 'Available');
      if (!c || !['Available', 'Preparing', 'Reserved'].includes(c.state)) return { status: 'Rejected' };
      const reservation = c.reservation;
      if (reservation && reservation.idTag !== params.idTag) return { status: 'Rejected' };
      c.reservation = undefined;
      setTimeout(() => this.startTransaction(c, params.idTag, reservation?.id).catch((e: unknown) => this.options.onError?.(e)), 10);
      return { status: 'Accepted' };
    });
    on<{ transactionId: number }>('RemoteStopTransaction', async (params) => {
      const c = this.connectors.find((x) => x.transactionId === params.transactionId);
      if (!c) return { status: 'Rejected' };
      setTimeout(() => this.stopTransaction(c, 'Remote').catch((e: unknown) => this.options.onError?.(e)), 10);
      return { status: 'Accepted' };
    });
    on<{ connectorId: number }>('UnlockConnector', async (params) => ({ status: connector(params.connectorId) ? 'Unlocked' : 'NotSupported' }));
    on('Reset', async () => {
      setTimeout(() => this.boot().catch(() => {}), 50);
      return { status: 'Accepted' };
    });
    on<{ connectorId: number; type: 'Inoperative' | 'Operative' }>('ChangeAvailability', async (params) => {
      const targets = params.connectorId === 0 ? this.connectors : [connector(params.connectorId)].filter((c): c is Connector => Boolean(c));
      if (targets.length === 0) return { status: 'Rejected' };
      if (targets.some((c) => c.state === 'Charging')) return { status: 'Scheduled' };
      for (const c of targets) setTimeout(() => this.status(c, params.type === 'Inoperative' ? 'Unavailable' : 'Available').catch(() => {}), 10);
      return { status: 'Accepted' };
    });
    on<{ key: string; value: string }>('ChangeConfiguration', async (params) => {
      if (!(params.key in this.config)) return { status: 'NotSupported' };
      this.config[params.key] = params.value;
      return { status: 'Accepted' };
    });
    on<{ key?: string[] }>('GetConfiguration', async (params) => {
      const keys = params.key?.length ? params.key : Object.keys(this.config);
      return {
        configurationKey: keys.filter((k) => k in this.config).map((key) => ({ key, readonly: key === 'NumberOfConnectors', value: this.config[key] })),
        unknownKey: keys.filter((k) => !(k in this.config)),
      };
    });
    on<{ requestedMessage: string; connectorId?: number }>('TriggerMessage', async (params) => {
      const run = async () => {
        if (params.requestedMessage === 'BootNotification') await this.boot();
        else if (params.requestedMessage === 'Heartbeat') await this.client?.call('Heartbeat', {});
        else if (params.requestedMessage === 'StatusNotification')
          for (const c of this.connectors) if (!params.connectorId || c.id === params.connectorId) await this.status(c, c.state);
      };
      if (!['BootNotification', 'Heartbeat', 'StatusNotification'].includes(params.requestedMessage)) return { status: 'NotImplemented' };
      setTimeout(() => run().catch(() => {}), 10);
      return { status: 'Accepted' };
    });
    on<{ connectorId: number; expiryDate: string; idTag: string; reservationId: number }>('ReserveNow', async (params) => {
      const c = connector(params.connectorId);
      if (!c) return { status: 'Rejected' };
      if (c.state === 'Faulted') return { status: 'Faulted' };
      if (c.state === 'Unavailable') return { status: 'Unavailable' };
      // The same reservationId replaces the reservation (a new expiry); another one is refused.
      const replacing = c.state === 'Reserved' && c.reservation?.id === params.reservationId;
      if (c.state !== 'Available' && !replacing) return { status: 'Occupied' };
      c.reservation = { id: params.reservationId, idTag: params.idTag, expiresAt: Date.parse(params.expiryDate) };
      if (!replacing) setTimeout(() => this.status(c, 'Reserved').catch(() => {}), 10);
      return { status: 'Accepted' };
    });
    on<{ reservationId: number }>('CancelReservation', async (params) => {
      const c = this.connectors.find((x) => x.reservation?.id === params.reservationId);
      if (!c) return { status: 'Rejected' };
      c.reservation = undefined;
      if (c.state === 'Reserved') setTimeout(() => this.status(c, 'Available').catch(() => {}), 10);
      return { status: 'Accepted' };
    });
    on<{ connectorId: number; csChargingProfiles: { chargingSchedule: { chargingRateUnit: 'W' | 'A'; chargingSchedulePeriod: { limit: number }[] } } }>(
      'SetChargingProfile',
      async (params) => {
        const schedule = params.csChargingProfiles.chargingSchedule;
        const first = schedule.chargingSchedulePeriod[0]?.limit;
        const limit = first === undefined ? undefined : schedule.chargingRateUnit === 'W' ? first : first * 230 * 3;
        const target = params.connectorId ? connector(params.connectorId) : undefined;
        if (params.connectorId && !target) return { status: 'Rejected' };
        if (target) target.limitW = limit;
        else this.limitW = limit;
        return { status: 'Accepted' };
      },
    );
    on<{ connectorId?: number }>('ClearChargingProfile', async (params) => {
      const target = params.connectorId ? connector(params.connectorId) : undefined;
      if (target) target.limitW = undefined;
      else {
        this.limitW = undefined;
        for (const c of this.connectors) c.limitW = undefined;
      }
      return { status: 'Accepted' };
    });
    on<{ connectorId: number; duration: number }>('GetCompositeSchedule', async (params) => ({
      status: 'Accepted',
      connectorId: params.connectorId,
      scheduleStart: new Date().toISOString(),
      chargingSchedule: {
        duration: params.duration,
        chargingRateUnit: 'W',
        chargingSchedulePeriod: [
          {
            startPeriod: 0,
            limit: Math.min(
              this.limitW ?? Number.POSITIVE_INFINITY,
              connector(params.connectorId)?.limitW ?? Number.POSITIVE_INFINITY,
              this.options.maxPowerW ?? 22_000,
            ),
          },
        ],
      },
    }));
    on('DataTransfer', async () => ({ status: 'UnknownVendorId' }));
  }
}
