import type { StaffRole } from '../db/schema.js';

/**
 * What a route may require (tsoa `@Security('bearer', [...])`, all listed are needed) and what
 * a principal is granted. Roles, key scopes and the driver profile all map onto this one list.
 */
export const PERMISSIONS = [
  'public:read',
  'driver',
  'network:read',
  'network:write',
  'network:operate',
  'support:write',
  'staff:manage',
  'keys:manage',
  'network:own',
  /** Utilities: push grid signals (site power limits) for the sites they are the grid operator of. */
  'grid:signal',
  /** Cities and utilities: figures aggregated over an area — demand forecasts, sustainability reports (never per driver or station). */
  'forecast:area',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

const READ: Permission[] = ['public:read', 'network:read'];

export const ROLE_PERMISSIONS: Record<StaffRole, readonly Permission[]> = {
  viewer: READ,
  support: [...READ, 'support:write'],
  operator: [...READ, 'support:write', 'network:operate'],
  admin: [...READ, 'support:write', 'network:operate', 'network:write', 'staff:manage', 'keys:manage'],
  owner: [...READ, 'support:write', 'network:operate', 'network:write', 'staff:manage', 'keys:manage', 'network:own'],
};

/** Secret keys act for servers: never for a driver, never to mint more keys or own the network. */
export const SECRET_KEY_SCOPES: readonly Permission[] = ['public:read', 'network:read', 'network:write', 'network:operate', 'support:write'];

/** Publishable keys live in browsers: public data, and driver flows once a driver signs in. */
export const PUBLISHABLE_KEY_SCOPES: readonly Permission[] = ['public:read'];

export const DRIVER_PERMISSIONS: readonly Permission[] = ['public:read', 'driver'];

export function isPermission(value: string): value is Permission {
  return (PERMISSIONS as readonly string[]).includes(value);
}
