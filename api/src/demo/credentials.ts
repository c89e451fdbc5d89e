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
} as const;

export interface DemoCredentials {
  owner: { email: string; password: string };
  driver: { email: string; password: string };
  publishable_key: string;
  secret_key: string;
}

export function demoCredentials(): DemoCredentials {
  return {
    owner: { email: DEMO.owner.email, password: DEMO.owner.password },
    driver: { email: DEMO.driver.email, password: DEMO.driver.password },
    publishable_key: DEMO.publishableKey,
    secret_key: DEMO.secretKey,
  };
}
