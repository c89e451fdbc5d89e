import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { luxembourgPois, ocmReference } from '../importers/ocm-fixture.js';
import { importOcm } from '../importers/ocm-import.js';
import type { Services } from '../server/services.js';
import { DEMO } from './credentials.js';
import { seedHistory } from './history.js';

export interface SeedResult {
  created: boolean;
  networkId: string;
}

/** Seeds the demo network once; later starts only refresh the publishable key's allowed origins. */
export async function seedDemo(services: Services, origins: string[]): Promise<SeedResult> {
  const { scopes } = services;
  const existing = await scopes.system((tx) => tx.selectFrom('networks').select('id').where('slug', '=', DEMO.network.slug).executeTakeFirst());
  let networkId = existing?.id;
  const created = !networkId;
  if (!networkId) {
    const { network, ownerId } = await services.networks.signUp({ network: { ...DEMO.network }, owner: { ...DEMO.owner } });
    networkId = network.id;
    await services.networks.markDemo(network.id);
    const driverId = await services.drivers.register({ ...DEMO.driver, locale: 'en' });
    await services.idTags.register(driverId, DEMO.idTag);
    await services.apiKeys.create(
      networkId,
      ownerId,
      { kind: 'secret', name: 'Demo secret key', scopes: ['public:read', 'network:read', 'network:write', 'network:operate', 'support:write'] },
      DEMO.secretKey,
    );
    await services.apiKeys.create(networkId, ownerId, { kind: 'publishable', name: 'Demo publishable key', allowed_origins: origins }, DEMO.publishableKey);
    await seedStations(services, networkId);
    await seedChargePoints(services, networkId);
    await seedSimulatedChargePoints(services, networkId);
    await seedHistory(services, networkId);
    await seedReviews(services, networkId, driverId);
    await seedSupportDesk(services, networkId, ownerId);
  } else {
    await services.apiKeys.setAllowedOrigins(networkId, DEMO.publishableKey, origins);
  }
  await completeDemoFlow(services, networkId);
  return { created, networkId };
}

export async function containsDemoData(services: Services): Promise<boolean> {
  const row = await services.scopes.system((tx) => tx.selectFrom('networks').select('id').where('is_demo', '=', true).executeTakeFirst());
  return Boolean(row);
}

/**
 * The real Luxembourg stations from Open Charge Map, with a day-time tariff and, since OCM has
 * no live status, a plausible mix of free and busy EVSEs (the simulators change them live).
 */
async function seedStations(services: Services, networkId: string): Promise<void> {
  // AC: cheaper off-peak (weekday evenings, nights and weekends), an idle fee after an hour.
  const tariff = await services.tariffs.create(networkId, {
    currency: 'EUR',
    vat_percent: 17,
    display_text: '0.45 €/kWh weekdays 07–21, 0.35 €/kWh off-peak; 0.05 €/min idle after 60 min; incl. 17 % VAT',
    elements: [
      {
        price_components: [{ type: 'ENERGY', price: 45 }],
        restrictions: { start_time: '07:00', end_time: '21:00', day_of_week: ['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY'] },
      },
      { price_components: [{ type: 'ENERGY', price: 35 }] },
      { price_components: [{ type: 'PARKING_TIME', price: 300, grace_minutes: 60, step_size: 60 }] },
    ],
  });
  const fast = await services.tariffs.create(networkId, {
    currency: 'EUR',
    vat_percent: 17,
    display_text: 'DC fast: 0.69 €/kWh, 0.10 €/min idle after 15 min; incl. 17 % VAT',
    elements: [
      { price_components: [{ type: 'ENERGY', price: 69 }] },
      { price_components: [{ type: 'PARKING_TIME', price: 600, grace_minutes: 15, step_size: 60 }] },
    ],
  });
  await importOcm(services.locations, networkId, luxembourgPois(), ocmReference());
  const evses = await services.scopes.tenant(networkId, (tx) =>
    tx
      .selectFrom('evses')
      .innerJoin('connectors', (j) => j.onRef('connectors.tenant_id', '=', 'evses.tenant_id').onRef('connectors.evse_id', '=', 'evses.id'))
      .select(['evses.id', 'evses.status', 'connectors.id as connector_id', 'connectors.power_type'])
      .where('evses.tenant_id', '=', networkId)
      .orderBy('evses.id')
      .execute(),
  );
  await services.locations.configureEvses(
    networkId,
    evses.map((e) => ({
      evseUid: e.id,
      capabilities: ['RESERVABLE', 'REMOTE_START_STOP_CAPABLE', 'RFID_READER'],
      connectorTariffs: [{ connectorId: e.connector_id, tariffId: e.power_type === 'DC' ? fast.id : tariff.id }],
    })),
  );
  const mix = ['AVAILABLE', 'AVAILABLE', 'CHARGING', 'AVAILABLE', 'CHARGING', 'OUTOFORDER', 'AVAILABLE'] as const;
  for (const [i, e] of evses.entries()) {
    if (e.status === 'UNKNOWN') await services.locations.applyEvseStatus(networkId, e.id, mix[i % mix.length] ?? 'AVAILABLE', new Date());
  }
}

/** Charge points for a newcomer's own charger or OCPP simulator, at a real site in Luxembourg City. */
/** A few drivers' words on the first stations, so the station view shows what reviews look like. */
async function seedReviews(services: Services, networkId: string, demoDriverId: string): Promise<void> {
  const reviewers = [demoDriverId];
  for (const name of ['Rita Reviewer', 'Paul Pendler']) {
    const email = `${name.split(' ')[0]?.toLowerCase()}@demo.voltshare.dev`;
    // Nobody signs in as these: a random password nobody knows.
    reviewers.push(await services.drivers.register({ email, password: randomBytes(18).toString('base64url'), name, locale: 'en' }));
  }
  const sites = await services.scopes.tenant(networkId, (tx) =>
    tx
      .selectFrom('locations')
      .select('id')
      .where('tenant_id', '=', networkId)
      .where('publish', '=', true)
      // Nearest the demo page's map centre first, so the first stations a newcomer opens have some.
      .orderBy(sql`(latitude - ${DEMO.mapCentre.lat}) ^ 2 + (longitude - ${DEMO.mapCentre.lng}) ^ 2`)
      .limit(4)
      .execute(),
  );
  const words: [number, string | null][] = [
    [5, 'Quick to find, both chargers worked first time.'],
    [4, 'Good spot, a café around the corner. Busy at lunchtime.'],
    [3, null],
  ];
  for (const [s, site] of sites.entries()) {
    for (const [r, driverId] of reviewers.entries()) {
      const [rating, comment] = words[(s + r) % words.length] as [number, string | null];
      await services.reviews.write(driverId, site.id, { rating, comment });
    }
  }
}

/**
 * What a newcomer needs to see a session priced, paid and receipted end to end (also for demo
 * data seeded before this existed): the hub's connectors on the AC tariff, and the demo driver
 * with the sandbox's test card saved.
 */
async function completeDemoFlow(services: Services, networkId: string): Promise<void> {
  const { hub, tariff, hubEvses } = await services.scopes.tenant(networkId, async (tx) => {
    const hub = await tx.selectFrom('locations').select('id').where('tenant_id', '=', networkId).where('name', '=', DEMO.hubName).executeTakeFirst();
    const tariff = await tx
      .selectFrom('tariffs')
      .select('id')
      .where('tenant_id', '=', networkId)
      .where('display_text', 'like', '0.45 €/kWh%')
      .executeTakeFirst();
    const hubEvses = hub ? await tx.selectFrom('evses').select('id').where('tenant_id', '=', networkId).where('location_id', '=', hub.id).execute() : [];
    return { hub, tariff, hubEvses };
  });
  if (!hub || !tariff) return;
  await services.locations.configureEvses(
    networkId,
    hubEvses.map((e) => ({ evseUid: e.id, connectorTariffs: [{ connectorId: '*', tariffId: tariff.id, onlyIfUnpriced: true }] })),
  );
  if (services.payments.provider.name !== 'sandbox') return;
  const driver = await services.scopes.system((tx) => tx.selectFrom('users').select('id').where('email', '=', DEMO.driver.email).executeTakeFirst());
  if (!driver) return;
  const customer = await services.payments.customerOf(driver.id);
  if (!customer.default_payment_method) await services.payments.savePaymentMethod(driver.id, 'pm_sandbox_visa');
}

async function seedChargePoints(services: Services, networkId: string): Promise<void> {
  const location = await services.locations.create(networkId, {
    name: DEMO.hubName,
    address: '1 Place de la Gare',
    city: 'Luxembourg',
    postal_code: '1616',
    country: 'LU',
    coordinates: { latitude: 49.5999, longitude: 6.1342 },
    time_zone: 'Europe/Luxembourg',
    facilities: ['TRAIN_STATION'],
  });
  for (const identity of DEMO.chargePoints) {
    const cp = await services.chargePoints.create(networkId, { identity, location_id: location.id, password: DEMO.chargePointPassword });
    await services.locations.addEvse(networkId, location.id, {
      evse_id: `LU*VOL*E${identity.slice(-1)}*1`,
      charge_point_id: cp.id,
      ocpp_connector_id: 1,
      capabilities: ['RESERVABLE', 'REMOTE_START_STOP_CAPABLE', 'RFID_READER'],
      connectors: [{ standard: 'IEC_62196_T2', format: 'SOCKET', power_type: 'AC_3_PHASE', max_voltage: 400, max_amperage: 32 }],
    });
  }
}

/**
 * Puts OCPP charge points behind the EVSEs of a few real stations with several EVSEs, so the
 * built-in simulators (ocpp-gateway) drive them over OCPP like real chargers.
 */
async function seedSimulatedChargePoints(services: Services, networkId: string): Promise<void> {
  const { prefix, count, password } = DEMO.simulated;
  const sites = await services.scopes.tenant(networkId, (tx) =>
    tx
      .selectFrom('evses')
      .select(['location_id'])
      .where('tenant_id', '=', networkId)
      .where('charge_point_id', 'is', null)
      .groupBy('location_id')
      .having((eb) => eb.fn.countAll(), '>=', 2)
      .orderBy('location_id')
      .limit(count)
      .execute(),
  );
  for (const [i, site] of sites.entries()) {
    const cp = await services.chargePoints.create(networkId, { identity: `${prefix}${i + 1}`, location_id: site.location_id, password });
    const evses = await services.scopes.tenant(networkId, (tx) =>
      tx.selectFrom('evses').select('id').where('tenant_id', '=', networkId).where('location_id', '=', site.location_id).orderBy('id').limit(2).execute(),
    );
    await services.locations.configureEvses(
      networkId,
      evses.map((evse, n) => ({ evseUid: evse.id, chargePoint: { id: cp.id, connectorId: n + 1 } })),
    );
    await services.locations.refreshChargePoint(networkId, cp.id);
  }
}

/** The demo's desk: the owner on call around the clock (English, French, German) and a few help articles. */
async function seedSupportDesk(services: Services, networkId: string, ownerId: string): Promise<void> {
  await services.supportDesk.addShift(networkId, {
    user_id: ownerId,
    weekdays: [0, 1, 2, 3, 4, 5, 6],
    starts: '00:00',
    ends: '24:00',
    time_zone: 'Europe/Luxembourg',
    languages: ['en', 'fr', 'de'],
  });
  const articles: { language: string; topic: 'fault' | 'billing'; title: string; body: string }[] = [
    {
      language: 'en',
      topic: 'fault',
      title: 'Charging does not start',
      body: 'Push the plug in until it clicks, unlock the car, and check the car is not set to charge later. Then start again from the app or with your card.',
    },
    {
      language: 'fr',
      topic: 'fault',
      title: 'La charge ne démarre pas',
      body: 'Enfoncez la prise jusqu’au déclic, déverrouillez la voiture et vérifiez qu’elle n’est pas programmée pour charger plus tard. Relancez ensuite depuis l’application ou avec votre badge.',
    },
    {
      language: 'de',
      topic: 'fault',
      title: 'Der Ladevorgang startet nicht',
      body: 'Stecker bis zum Klick einstecken, Auto entriegeln und prüfen, ob das Auto nicht auf späteres Laden eingestellt ist. Dann in der App oder mit der Karte neu starten.',
    },
    {
      language: 'en',
      topic: 'billing',
      title: 'Why is an amount held on my card?',
      body: 'When charging starts we hold an amount; at the end only the energy and time used are charged and the rest is released. Your receipt is in History.',
    },
  ];
  for (const article of articles) await services.supportDesk.addArticle(networkId, article);
}
