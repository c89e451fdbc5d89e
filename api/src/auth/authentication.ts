import type { Request } from 'express';
import passport from 'passport';
import { Strategy as BearerStrategy } from 'passport-http-bearer';
import { Strategy as LocalStrategy } from 'passport-local';
import { Problem, problems } from '../http/problem.js';
import { DomainError } from '../shared/errors.js';
import type { AuthenticatedUser, AuthService } from './auth.service.js';
import { isPermission, type Permission } from './permissions.js';
import type { Principal } from './principal.js';

/**
 * Passport strategies, one instance per app (tests run several apps in one process):
 * `local` checks email + password at login; `bearer` resolves access tokens and API keys.
 */
export function createPassport(auth: AuthService): passport.PassportStatic {
  const instance = new passport.Passport() as unknown as passport.PassportStatic;
  instance.use(
    'local',
    new LocalStrategy({ usernameField: 'email', passwordField: 'password', session: false }, (email, password, done) => {
      auth.verifyCredentials(email, password).then(
        (user) => done(null, user ?? false),
        (error: unknown) => done(error),
      );
    }),
  );
  instance.use(
    'bearer',
    new BearerStrategy({ passReqToCallback: true }, (req: Request, token: string, done: (error: unknown, user?: Principal | false) => void) => {
      auth.resolveBearer(token, requestOrigin(req)).then(
        (principal) => done(null, principal ?? false),
        (error: unknown) => done(error),
      );
    }),
  );
  return instance;
}

/** Browsers send Origin on cross-origin calls; same-origin GETs may carry only a Referer. */
export function requestOrigin(req: Request): string | undefined {
  const origin = req.headers.origin;
  if (origin && origin !== 'null') return origin;
  const referer = req.headers.referer;
  if (!referer) return undefined;
  try {
    return new URL(referer).origin;
  } catch {
    return undefined;
  }
}

function run<T>(strategy: string, req: Request): Promise<T | false> {
  // Set by createApp; read from the app so this module needs nothing of the services registry.
  const instance = req.app.locals.passport as passport.PassportStatic;
  return new Promise((resolve, reject) => {
    instance.authenticate(strategy, { session: false }, (error: unknown, result: T | false) => {
      if (error) reject(error);
      else resolve(result);
    })(req, req.res, (error?: unknown) => (error ? reject(error) : resolve(false)));
  });
}

export async function authenticateLogin(req: Request): Promise<AuthenticatedUser | undefined> {
  return (await run<AuthenticatedUser>('local', req)) || undefined;
}

/**
 * tsoa's authentication hook, the one place where access is decided: every `@Security('bearer',
 * [permissions])` on a controller lands here. Missing or bad credentials are a 401; valid
 * credentials without every listed permission are a 403.
 */
export async function expressAuthentication(req: Request, securityName: string, scopes: string[] = []): Promise<Principal> {
  if (securityName !== 'bearer') throw new Error(`unknown security scheme ${securityName}`);
  const header = req.headers.authorization;
  if (!header) throw problems.unauthenticated('Send Authorization: Bearer <access token or API key>.');
  if (!/^Bearer\s+\S+$/i.test(header)) throw problems.unauthenticated('The Authorization header must be "Bearer <token>".');
  const principal = await run<Principal>('bearer', req).catch((error: unknown) => {
    // A refusal stays what it is; anything else (the database not answering) is the platform's
    // fault, a 500, never a 401 that would sign people out (tsoa turns a status-less error into 401).
    if (error instanceof Problem || error instanceof DomainError) throw error;
    throw Object.assign(error instanceof Error ? error : new Error(String(error)), { status: 500 });
  });
  if (!principal) throw problems.unauthenticated();
  const missing = scopes.filter((scope): scope is Permission => isPermission(scope) && !principal.permissions.has(scope));
  if (missing.length > 0) throw problems.forbidden(`Requires the ${missing.join(', ')} permission.`);
  return principal;
}
