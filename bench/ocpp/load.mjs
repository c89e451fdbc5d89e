// Load process: opens N OCPP 1.6J connections, then has every connection send StatusNotification
// back to back for the given seconds; prints JSON figures on stdout.
import ocppRpc from 'ocpp-rpc';

const [url, count, seconds, password, prefix] = [process.argv[2], Number(process.argv[3]), Number(process.argv[4]), process.argv[5], process.argv[6]];
const clients = [];
let failed = 0;
const t0 = Date.now();
for (let i = 1; i <= count; i += 100) {
  const batch = [];
  for (let j = i; j < Math.min(i + 100, count + 1); j++) {
    const c = new ocppRpc.RPCClient({
      endpoint: url,
      identity: `${prefix}${j}`,
      password,
      protocols: ['ocpp1.6'],
      strictMode: false,
      reconnect: false,
      callTimeoutMs: 60_000,
    });
    batch.push(
      c.connect().then(
        () => clients.push(c),
        () => failed++,
      ),
    );
  }
  await Promise.all(batch);
  if ((i - 1) % 1000 === 0) process.stderr.write(`connected ${clients.length}/${count}\n`);
}
const rampMs = Date.now() - t0;
let done = 0;
let errors = 0;
const end = Date.now() + seconds * 1000;
const statuses = ['Available', 'Preparing', 'Charging', 'Finishing'];
await Promise.all(
  clients.map(async (c, n) => {
    let k = n;
    while (Date.now() < end) {
      try {
        await c.call('StatusNotification', { connectorId: 1, errorCode: 'NoError', status: statuses[k++ % 4], timestamp: new Date().toISOString() });
        done++;
      } catch {
        errors++;
      }
    }
  }),
);
console.log(JSON.stringify({ connected: clients.length, failed, ramp_ms: rampMs, messages: done, errors, msgs_per_s: done / seconds }));
await Promise.all(clients.map((c) => c.close({ force: true }).catch(() => {})));
process.exit(0);
