#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { ConfigError, loadConfig } from './config/config.js';
import { openDatabase } from './db/database.js';
import { migrateToLatest } from './db/migrate.js';
import type { PartnerKind } from './db/schema.js';
import { Scopes } from './db/tenancy.js';
import { DEMO } from './demo/credentials.js';
import { Problem } from './http/problem.js';
import type { OcmReference } from './importers/ocm.js';
import { ocmReference } from './importers/ocm-fixture.js';
import { importOcm } from './importers/ocm-import.js';
import { PartnersService } from './partners/partners.service.js';
import { createLogger } from './server/logger.js';
import { createServices } from './server/services.js';
import { DomainError } from './shared/errors.js';

const USAGE = `usage:
  voltshare import ocm <file.json> [--network <slug>] [--reference <referencedata.json>]
      Imports Open Charge Map POI records into a network (default: the demo network).
      Idempotent: re-importing updates locations instead of duplicating them.
  voltshare partner create <name> <automaker|city|utility>
      Creates a partner and prints its server key (shown once).
  voltshare moderator add <email>
      Makes an existing user a platform moderator: every network's community moderation queue.

Uses DATABASE_URL / DATA_DIR like the server.`;

function option(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

/** A one-line progress bar on stderr, redrawn in place on a terminal. */
function progressBar(label: string) {
  let last = -1;
  return (done: number, total: number) => {
    const percent = Math.floor((done / total) * 100);
    if (percent === last && done !== total) return;
    last = percent;
    const width = 30;
    const filled = Math.round((done / total) * width);
    const line = `${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} (${percent}%)`;
    if (process.stderr.isTTY) process.stderr.write(`\r${line}${done === total ? '\n' : ''}`);
    else if (done === total || percent % 10 === 0) process.stderr.write(`${line}\n`);
  };
}

async function createPartner(name: string | undefined, kind: string | undefined): Promise<number> {
  if (!name || !kind) {
    console.error(USAGE);
    return 2;
  }
  const config = loadConfig({ LOG_LEVEL: 'warn', ...process.env });
  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: `${config.dataDir}/pglite` });
  try {
    await migrateToLatest(database.db);
    const partner = await new PartnersService(new Scopes(database.db)).create(name, kind as PartnerKind);
    console.log(`partner ${partner.id} (${partner.kind}) ${partner.name}\nsecret key (shown once): ${partner.secret_key}`);
    return 0;
  } finally {
    await database.close();
  }
}

async function addModerator(email: string | undefined): Promise<number> {
  if (!email) {
    console.error(USAGE);
    return 2;
  }
  const config = loadConfig({ LOG_LEVEL: 'warn', ...process.env });
  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: `${config.dataDir}/pglite` });
  try {
    await migrateToLatest(database.db);
    const services = createServices(config, database, createLogger('warn'));
    try {
      await services.moderation.addPlatformModerator(email);
    } finally {
      await services.close();
    }
    console.log(`${email} is a platform moderator`);
    return 0;
  } finally {
    await database.close();
  }
}

async function main(argv: string[]): Promise<number> {
  if (argv[0] === 'partner' && argv[1] === 'create') return createPartner(argv[2], argv[3]);
  if (argv[0] === 'moderator' && argv[1] === 'add') return addModerator(argv[2]);
  const [command, kind, file, ...rest] = argv;
  if (command !== 'import' || kind !== 'ocm' || !file) {
    console.error(USAGE);
    return 2;
  }
  const config = loadConfig({ LOG_LEVEL: 'warn', ...process.env });
  let pois: unknown;
  try {
    pois = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    console.error(`voltshare: cannot read ${file}: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
  if (!Array.isArray(pois)) {
    console.error(`voltshare: ${file} is not a JSON array of Open Charge Map POIs`);
    return 1;
  }
  const referenceFile = option(rest, '--reference');
  const reference = referenceFile ? (JSON.parse(readFileSync(referenceFile, 'utf8')) as OcmReference) : ocmReference();
  const slug = option(rest, '--network') ?? DEMO.network.slug;

  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: `${config.dataDir}/pglite` });
  try {
    await migrateToLatest(database.db);
    const services = createServices(config, database, createLogger('warn'));
    const network = await services.scopes.system((tx) => tx.selectFrom('networks').select('id').where('slug', '=', slug).executeTakeFirst());
    if (!network) {
      console.error(`voltshare: no network with slug "${slug}"`);
      return 1;
    }
    const report = await importOcm(services.locations, network.id, pois, reference, progressBar(`importing ${pois.length} records`));
    console.log(`created ${report.created}, updated ${report.updated}, skipped ${report.skipped.length}, EVSEs ${report.evses}`);
    for (const s of report.skipped) console.log(`  skipped ${s.id}: ${s.reason}`);
    for (const c of report.skipped_connections) console.log(`  left out ${c}`);
    return 0;
  } finally {
    await database.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    const detail =
      error instanceof Problem
        ? (error.extensions.errors?.map((e) => `${e.field} ${e.message}`).join('; ') ?? error.message)
        : error instanceof DomainError
          ? (error.details.fields?.map((e) => `${e.field} ${e.message}`).join('; ') ?? error.message)
          : error instanceof ConfigError
            ? `invalid configuration: ${error.message}`
            : error instanceof Error
              ? error.message
              : String(error);
    console.error(`voltshare: ${detail}`);
    process.exit(1);
  },
);
