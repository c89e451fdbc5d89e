#!/usr/bin/env node
import { SimulatedChargePoint } from './charge-point.js';

const USAGE = `usage: voltshare-simulate --url ws://localhost:3000/ocpp --count N --password P [--prefix SIM-] [--connectors 2] [--speed 60] [--id-tag TAG]

Runs N virtual OCPP 1.6J charge points named <prefix>1 … <prefix>N (register them first, with
that password). --speed 60 plays an hour a minute.`;

function option(args: string[], name: string, fallback?: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : fallback;
}

async function main(args: string[]): Promise<void> {
  const url = option(args, '--url');
  const password = option(args, '--password');
  const count = Number(option(args, '--count', '1'));
  if (!url || !password || !Number.isInteger(count) || count < 1) {
    console.error(USAGE);
    process.exit(2);
  }
  const prefix = option(args, '--prefix', 'SIM-') as string;
  const connectors = Number(option(args, '--connectors', '2'));
  const speed = Number(option(args, '--speed', '1'));
  const idTag = option(args, '--id-tag', 'SIM-CARD') as string;
  const sims: SimulatedChargePoint[] = [];
  let failed = 0;
  for (let i = 1; i <= count; i++) {
    const sim = new SimulatedChargePoint({ url, identity: `${prefix}${i}`, password, connectors, speed, idTags: [idTag], onError: () => {} });
    try {
      await sim.connect();
      sim.start();
      sims.push(sim);
    } catch (error) {
      failed += 1;
      console.error(`${prefix}${i}: ${error instanceof Error ? error.message : String(error)}`);
    }
    if (i % 100 === 0 || i === count) process.stderr.write(`connected ${sims.length}/${count}${failed ? ` (${failed} failed)` : ''}\n`);
  }
  const stop = async () => {
    await Promise.all(sims.map((s) => s.stop()));
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
