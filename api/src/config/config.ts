import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { MailSettings } from '../mail/mailer.js';

/** Everything the process may be configured with; read from the environment only. */
export interface Config {
  env: 'development' | 'test' | 'production';
  host: string;
  port: number;
  /** Public base URL printed at start-up and used in links. */
  publicUrl: string | undefined;
  /** A PostgreSQL server; without it the platform runs embedded on PGlite in `dataDir`. */
  databaseUrl: string | undefined;
  dataDir: string;
  redisUrl: string | undefined;
  demo: boolean;
  jwtSecret: string;
  accessTokenTtlSeconds: number;
  refreshTokenTtlSeconds: number;
  authRateLimit: { windowMs: number; max: number };
  publicRateLimit: { windowMs: number; max: number };
  corsOrigins: string[] | '*';
  /** The publishable key the driver app at /app/ searches with before anyone signs in (the demo key in demo mode). */
  appPublishableKey: string | undefined;
  logLevel: string;
  /** Run the job runner in this process (slot starts, no-shows, queue offers, webhooks). */
  jobs: boolean;
  jobPollMs: number;
  /** How long a charger may be offline before it becomes an incident (a reboot should not). */
  incidentOfflineAfterMs: number;
  /** Bearer token for /metrics; without one, /metrics answers only this machine. */
  metricsToken: string | undefined;
  /** Set with STRIPE_SECRET_KEY: payments go through Stripe; otherwise the labelled sandbox. */
  stripe: { secretKey: string; webhookSecret: string; apiBase: string | undefined } | undefined;
  /** NESO's GB Carbon Intensity API (e.g. https://api.carbonintensity.org.uk): live half-hourly intensity for sites in GB; unset, the yearly average. */
  gbCarbonIntensityUrl: string | undefined;
  /** Where drivers' station photos go: an S3-compatible bucket when S3_BUCKET is set, else `dataDir/photos`. */
  /** Email: over SMTP when SMTP_URL is set (smtp:// or smtps://, credentials in the URL), else into `dataDir/mail` (the development mail page). */
  mail: MailSettings;
  photos:
    | { kind: 'files'; dir: string }
    | { kind: 's3'; endpoint: string | undefined; region: string; bucket: string; accessKeyId: string; secretAccessKey: string };
}

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(`${variable}: ${message}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw)) throw new ConfigError(name, `expected a whole number, got "${raw}"`);
  const value = Number(raw);
  if (value < min || value > max) throw new ConfigError(name, `must be between ${min} and ${max}, got ${value}`);
  return value;
}

function metricsToken(env: Env): string | undefined {
  const raw = env.METRICS_TOKEN;
  if (raw === undefined || raw === '') return undefined;
  if (raw.length < 16) throw new ConfigError('METRICS_TOKEN', 'must be at least 16 characters');
  return raw;
}

function boolean(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (['1', 'true', 'yes', 'on'].includes(raw.toLowerCase())) return true;
  if (['0', 'false', 'no', 'off'].includes(raw.toLowerCase())) return false;
  throw new ConfigError(name, `expected true or false, got "${raw}"`);
}

function url(env: Env, name: string, protocols: string[]): string | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new ConfigError(name, 'is not a valid URL');
  }
  if (!protocols.includes(parsed.protocol)) {
    throw new ConfigError(name, `must use ${protocols.join(' or ')}, got ${parsed.protocol}`);
  }
  return raw;
}

/**
 * The embedded mode keeps its signing secret next to its data so tokens survive a restart;
 * a server deployment must provide one.
 */
function jwtSecret(env: Env, embedded: boolean, dataDir: string, production: boolean): string {
  const raw = env.JWT_SECRET;
  if (raw !== undefined && raw !== '') {
    if (raw.length < 32) throw new ConfigError('JWT_SECRET', 'must be at least 32 characters');
    return raw;
  }
  if (production || !embedded) throw new ConfigError('JWT_SECRET', 'is required when DATABASE_URL is set or NODE_ENV=production');
  const file = path.join(dataDir, 'jwt-secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(48).toString('base64url');
  writeFileSync(file, secret, { mode: 0o600 });
  return secret;
}

export function loadConfig(env: Env = process.env): Config {
  const nodeEnv = env.NODE_ENV ?? 'development';
  if (!['development', 'test', 'production'].includes(nodeEnv)) {
    throw new ConfigError('NODE_ENV', `must be development, test or production, got "${nodeEnv}"`);
  }
  const production = nodeEnv === 'production';
  const databaseUrl = url(env, 'DATABASE_URL', ['postgres:', 'postgresql:']);
  const embedded = databaseUrl === undefined;
  const dataDir = path.resolve(env.DATA_DIR || '.data');
  const demo = boolean(env, 'VOLTSHARE_DEMO', embedded && !production);
  if (demo && production) {
    throw new ConfigError('VOLTSHARE_DEMO', 'demo credentials are public; demo mode cannot run with NODE_ENV=production');
  }
  const cors = env.CORS_ORIGINS?.trim();
  const corsOrigins: string[] | '*' = !cors || cors === '*' ? '*' : cors.split(',').map((o) => o.trim());
  if (Array.isArray(corsOrigins)) {
    for (const origin of corsOrigins) {
      try {
        new URL(origin);
      } catch {
        throw new ConfigError('CORS_ORIGINS', `"${origin}" is not an origin like https://example.com`);
      }
    }
  }
  const appPublishableKey = env.APP_PUBLISHABLE_KEY?.trim() || undefined;
  if (appPublishableKey && !/^pk_[A-Za-z0-9_]{8,}$/.test(appPublishableKey)) throw new ConfigError('APP_PUBLISHABLE_KEY', 'must be a publishable key (pk_…)');
  const logLevel = env.LOG_LEVEL || (nodeEnv === 'test' ? 'silent' : 'info');
  if (!['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].includes(logLevel)) {
    throw new ConfigError('LOG_LEVEL', `unknown level "${logLevel}"`);
  }
  return {
    env: nodeEnv as Config['env'],
    host: env.HOST || '0.0.0.0',
    port: integer(env, 'PORT', 3000, 0, 65535),
    publicUrl: url(env, 'PUBLIC_URL', ['http:', 'https:']),
    databaseUrl,
    dataDir,
    redisUrl: url(env, 'REDIS_URL', ['redis:', 'rediss:']),
    demo,
    appPublishableKey,
    jwtSecret: jwtSecret(env, embedded, dataDir, production),
    accessTokenTtlSeconds: integer(env, 'ACCESS_TOKEN_TTL_SECONDS', 900, 30, 86_400),
    refreshTokenTtlSeconds: integer(env, 'REFRESH_TOKEN_TTL_SECONDS', 30 * 86_400, 300, 365 * 86_400),
    authRateLimit: {
      windowMs: integer(env, 'AUTH_RATE_LIMIT_WINDOW_MS', 60_000, 1_000, 3_600_000),
      max: integer(env, 'AUTH_RATE_LIMIT_MAX', 20, 1, 100_000),
    },
    publicRateLimit: {
      windowMs: integer(env, 'PUBLIC_RATE_LIMIT_WINDOW_MS', 60_000, 1_000, 3_600_000),
      max: integer(env, 'PUBLIC_RATE_LIMIT_MAX', 600, 1, 1_000_000),
    },
    corsOrigins,
    logLevel,
    jobs: boolean(env, 'JOBS', true),
    jobPollMs: integer(env, 'JOB_POLL_MS', 1000, 50, 60_000),
    incidentOfflineAfterMs: integer(env, 'INCIDENT_OFFLINE_AFTER_SECONDS', 300, 0, 86_400) * 1000,
    metricsToken: metricsToken(env),
    stripe: stripeSettings(env),
    gbCarbonIntensityUrl: url(env, 'GB_CARBON_INTENSITY_URL', ['http:', 'https:']),
    photos: photoSettings(env, dataDir),
    mail: mailSettings(env, dataDir),
  };
}

function mailSettings(env: Env, dataDir: string): MailSettings {
  const from = env.MAIL_FROM?.trim() || 'Voltshare <no-reply@voltshare.localhost>';
  if (!/^[^<>]*<[^@<>\s]+@[^@<>\s]+>$|^[^@<>\s]+@[^@<>\s]+$/.test(from)) throw new ConfigError('MAIL_FROM', 'must be an address, or a name and <address>');
  const smtp = url(env, 'SMTP_URL', ['smtp:', 'smtps:']);
  return smtp ? { kind: 'smtp', url: smtp, from } : { kind: 'mailbox', dir: path.join(dataDir, 'mail'), from };
}

function photoSettings(env: Env, dataDir: string): Config['photos'] {
  const bucket = env.S3_BUCKET?.trim();
  if (!bucket) return { kind: 'files', dir: path.join(dataDir, 'photos') };
  const accessKeyId = env.S3_ACCESS_KEY_ID;
  const secretAccessKey = env.S3_SECRET_ACCESS_KEY;
  if (!accessKeyId) throw new ConfigError('S3_ACCESS_KEY_ID', 'is required with S3_BUCKET');
  if (!secretAccessKey) throw new ConfigError('S3_SECRET_ACCESS_KEY', 'is required with S3_BUCKET');
  return { kind: 's3', endpoint: url(env, 'S3_ENDPOINT', ['http:', 'https:']), region: env.S3_REGION || 'us-east-1', bucket, accessKeyId, secretAccessKey };
}

function stripeSettings(env: Env): Config['stripe'] {
  const secretKey = env.STRIPE_SECRET_KEY;
  if (!secretKey) return undefined;
  if (!/^(sk|rk)_(test|live)_/.test(secretKey)) throw new ConfigError('STRIPE_SECRET_KEY', 'must be a Stripe secret or restricted key (sk_test_…, sk_live_…)');
  const webhookSecret = env.STRIPE_WEBHOOK_SECRET;
  if (!webhookSecret?.startsWith('whsec_')) throw new ConfigError('STRIPE_WEBHOOK_SECRET', 'is required with STRIPE_SECRET_KEY (whsec_…)');
  return { secretKey, webhookSecret, apiBase: url(env, 'STRIPE_API_BASE', ['http:', 'https:']) };
}
