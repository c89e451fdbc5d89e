import { ConfigError, loadConfig } from '../config/config.js';
import { DEMO } from '../demo/credentials.js';
import { type Extension, type RunningPlatform, startPlatform } from './start.js';

/** The process entry shared by the API-only and the embedded (API + gateway) starts. */
export async function runMain(
  extensions: Extension[] = [],
  extraLines: (url: string) => string[] = () => [],
  afterStart?: (platform: RunningPlatform) => Promise<() => Promise<void>>,
): Promise<void> {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`voltshare: invalid configuration: ${error.message}`);
      process.exit(1);
    }
    throw error;
  }
  const platform = await startPlatform(config, undefined, extensions);
  const stopAfterStart = afterStart ? await afterStart(platform) : async () => {};
  const mode = config.databaseUrl ? 'PostgreSQL server' : `embedded PGlite (${config.dataDir})`;
  const lines = [
    '',
    `  Voltshare is running — ${mode}`,
    '',
    `  API            ${platform.url}/v1`,
    `  Docs           ${platform.url}/docs`,
    `  API reference  ${platform.url}/docs/api`,
    `  OpenAPI        ${platform.url}/v1/openapi.json`,
    `  Health         ${platform.url}/health  ${platform.url}/ready`,
    ...extraLines(platform.url),
  ];
  if (config.demo) {
    lines.push(
      `  Demo           ${platform.url}/`,
      `  Credentials    ${platform.url}/demo/credentials.json`,
      '',
      `  Network owner  ${DEMO.owner.email} / ${DEMO.owner.password}`,
      `  Driver         ${DEMO.driver.email} / ${DEMO.driver.password}  (RFID card ${DEMO.idTag})`,
      `  Publishable    ${DEMO.publishableKey}`,
      `  Secret key     ${DEMO.secretKey}`,
    );
  }
  // The banner goes to stdout as plain text for people; logs stay JSON.
  process.stdout.write(`${lines.join('\n')}\n\n`);

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    platform.services.logger.info({ signal }, 'shutting down');
    stopAfterStart()
      .then(() => platform.stop())
      .then(
        () => process.exit(0),
        () => process.exit(1),
      );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

export function failedToStart(error: unknown): never {
  console.error(`voltshare: failed to start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
