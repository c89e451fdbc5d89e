import { createClient, type Realtime, type VoltshareClient } from '@voltshare/sdk';
import { getLocale } from './localization.js';

/** Where the API is: the `api-base` attribute, else the host that served the widget script. */
export function apiBaseOf(attribute: string | undefined): string {
  if (attribute) return attribute.replace(/\/$/, '');
  try {
    return new URL(import.meta.url).origin;
  } catch {
    return location.origin;
  }
}

export interface Connection {
  client: VoltshareClient;
  /** One socket per API and credential, shared by every element on the page. */
  realtime(): Realtime;
}

const connections = new Map<string, Connection>();

export function connect(apiBase: string, credential: string | undefined): Connection {
  const key = `${apiBase} ${credential ?? ''}`;
  let connection = connections.get(key);
  if (!connection) {
    const client = createClient({ baseUrl: apiBase, credential, language: () => getLocale() });
    let realtime: Realtime | undefined;
    connection = { client, realtime: () => (realtime ??= client.realtime()) };
    connections.set(key, connection);
  }
  return connection;
}
