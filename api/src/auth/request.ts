import type { Request } from 'express';
import type { Principal } from './principal.js';

/** The principal tsoa stored on the request after `expressAuthentication` accepted it. */
export function principalOf(req: Request): Principal {
  const principal = (req as Request & { user?: Principal }).user;
  if (!principal) throw new Error('route has no @Security but asks for a principal');
  return principal;
}
