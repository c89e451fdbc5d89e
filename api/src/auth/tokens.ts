import { errors, jwtVerify, SignJWT } from 'jose';
import type { StaffRole } from '../db/schema.js';

const ISSUER = 'voltshare';
const AUDIENCE = 'voltshare-api';

export interface AccessClaims {
  sub: string;
  tid?: string;
  role?: StaffRole;
  drv: boolean;
  /** The login (refresh-token family) the token was issued to; a revoked login's tokens stop working at once. */
  sid?: string;
}

export class TokenSigner {
  private readonly key: Uint8Array;
  constructor(
    secret: string,
    readonly ttlSeconds: number,
  ) {
    this.key = new TextEncoder().encode(secret);
  }

  sign(claims: AccessClaims): Promise<string> {
    const { sub, ...rest } = claims;
    return new SignJWT({ ...rest, typ: 'access' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(sub)
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setIssuedAt()
      .setExpirationTime(`${this.ttlSeconds}s`)
      .sign(this.key);
  }

  /** Returns the claims, or undefined for any token that is not a valid, unexpired access token. */
  async verify(token: string): Promise<AccessClaims | undefined> {
    try {
      const { payload } = await jwtVerify(token, this.key, { issuer: ISSUER, audience: AUDIENCE, algorithms: ['HS256'] });
      if (payload.typ !== 'access' || typeof payload.sub !== 'string') return undefined;
      return {
        sub: payload.sub,
        tid: typeof payload.tid === 'string' ? payload.tid : undefined,
        role: typeof payload.role === 'string' ? (payload.role as StaffRole) : undefined,
        drv: payload.drv === true,
        sid: typeof payload.sid === 'string' ? payload.sid : undefined,
      };
    } catch (error) {
      if (error instanceof errors.JOSEError) return undefined;
      throw error;
    }
  }
}
