/**
 * The demo network's fixed credentials. They are public (README, /demo/credentials.json) and
 * exist only in embedded demo mode; a production start refuses a database that contains them.
 */
export const DEMO = {
  network: { name: 'Voltshare Demo Network', slug: 'voltshare-demo', country: 'LU', currency: 'EUR' },
  owner: { email: 'owner@demo.voltshare.dev', password: 'demo-owner-password', name: 'Olivia Owner' },
  driver: { email: 'driver@demo.voltshare.dev', password: 'demo-driver-password', name: 'Daniel Driver' },
  publishableKey: 'pk_demo_VoltshareDemoPublishableKey2026',
  secretKey: 'sk_demo_VoltshareDemoSecretKey2026xxxxxx',
  /** Where the demo page's map opens. */
  mapCentre: { lat: 49.75, lng: 6.13 },
  /** The demo driver's RFID card. */
  idTag: 'DEMO-DRIVER-CARD',
  /** Charge points no built-in simulator drives: for a newcomer's own charger or simulator. */
  chargePoints: ['VOLTSHARE-DEMO-1', 'VOLTSHARE-DEMO-2', 'VOLTSHARE-DEMO-3'],
  /** The site of those charge points. */
  hubName: 'Voltshare Demo Hub (bring your own charger)',
  chargePointPassword: 'demo-charge-point-password',
  /** Charge points at real Luxembourg stations that `npm start`'s built-in simulators drive. */
  simulated: { prefix: 'LU-SIM-', count: 6, password: 'demo-simulator-password' },
} as const;

export interface DemoCredentials {
  owner: { email: string; password: string };
  driver: { email: string; password: string };
  publishable_key: string;
  secret_key: string;
  id_tag: string;
  charge_points: { identity: string; password: string; ocpp_url: string }[];
}

export function demoCredentials(baseUrl: string): DemoCredentials {
  const ws = baseUrl.replace(/^http/, 'ws');
  return {
    owner: { email: DEMO.owner.email, password: DEMO.owner.password },
    driver: { email: DEMO.driver.email, password: DEMO.driver.password },
    publishable_key: DEMO.publishableKey,
    secret_key: DEMO.secretKey,
    id_tag: DEMO.idTag,
    charge_points: DEMO.chargePoints.map((identity) => ({ identity, password: DEMO.chargePointPassword, ocpp_url: `${ws}/ocpp/${identity}` })),
  };
}
