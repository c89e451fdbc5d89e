// Charger process for the incident storm: opens N OCPP 1.6J connections, reports each EVSE
// Available, holds them for `holdMs`, then drops them all, spread evenly over `stormMs` (a grid
// outage). Prints JSON timings on stdout.
import ocppRpc from 'ocpp-rpc';

const [url, count, password, prefix, holdMs, stormMs] = [
  process.argv[2],
  Number(process.argv[3]),
  process.argv[4],
  process.argv[5],
  Number(process.argv[6]),
  Number(process.argv[7]),
];
const clients = [];
let failed = 0;
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
      c
        .connect()
        .then(() => c.call('StatusNotification', { connectorId: 1, errorCode: 'NoError', status: 'Available', timestamp: new Date().toISOString() }))
        .then(
          () => clients.push(c),
          () => failed++,
        ),
    );
  }
  await Promise.all(batch);
  if ((i - 1) % 2000 === 0) process.stderr.write(`connected ${clients.length}/${count}\n`);
}
process.stderr.write(`all connected (${clients.length}, ${failed} failed); holding ${holdMs} ms\n`);
console.error('HOLDING');
await new Promise((r) => setTimeout(r, holdMs));
const stormStart = Date.now();
const gap = stormMs / Math.max(1, clients.length);
await Promise.all(
  clients.map(
    (c, n) =>
      new Promise((resolve) =>
        setTimeout(() => {
          c.close({ force: true }).then(resolve, resolve);
        }, n * gap),
      ),
  ),
);
console.log(JSON.stringify({ connected: clients.length, failed, storm_start: stormStart, storm_end: Date.now() }));
setTimeout(() => process.exit(0), 100);
