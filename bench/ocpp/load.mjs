// Load process: opens N OCPP 1.6J connections; then every connection sends StatusNotification
// back to back for the given seconds (the flood: throughput); then, when a rate is given, the
// connections together send that many StatusNotifications a second, spread evenly (the steady
// phase: latency at a stated load). Prints JSON figures on stdout.
import ocppRpc from 'ocpp-rpc';

const [url, count, seconds, password, prefix, rate] = [
  process.argv[2],
  Number(process.argv[3]),
  Number(process.argv[4]),
  process.argv[5],
  process.argv[6],
  Number(process.argv[7] ?? 0),
];
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
const statuses = ['Available', 'Preparing', 'Charging', 'Finishing'];
const status = (c, k) => c.call('StatusNotification', { connectorId: 1, errorCode: 'NoError', status: statuses[k % 4], timestamp: new Date().toISOString() });

let done = 0;
let errors = 0;
const floodStart = Date.now();
const floodEnd = floodStart + seconds * 1000;
await Promise.all(
  clients.map(async (c, n) => {
    let k = n;
    while (Date.now() < floodEnd) {
      try {
        await status(c, k++);
        done++;
      } catch {
        errors++;
      }
    }
  }),
);
const flood = { messages: done, errors, msgs_per_s: done / seconds, from: floodStart, to: Date.now() };

let steady;
if (rate > 0) {
  // Every 10 ms the next rate/100 connections each send one report; a connection whose
  // previous call is still unanswered is skipped (and counted), as a charger would wait.
  let sent = 0;
  let answered = 0;
  let steadyErrors = 0;
  let skipped = 0;
  let next = 0;
  const busy = new Set();
  const steadyStart = Date.now();
  await new Promise((resolve) => {
    let due = 0;
    const tick = setInterval(() => {
      const elapsed = Date.now() - steadyStart;
      if (elapsed >= seconds * 1000) {
        clearInterval(tick);
        resolve();
        return;
      }
      const target = Math.floor((elapsed / 1000) * rate);
      for (; due < target; due++) {
        const c = clients[next];
        next = (next + 1) % clients.length;
        if (busy.has(c)) {
          skipped++;
          continue;
        }
        busy.add(c);
        sent++;
        status(c, due).then(
          () => {
            answered++;
            busy.delete(c);
          },
          () => {
            steadyErrors++;
            busy.delete(c);
          },
        );
      }
    }, 10);
  });
  const steadyEnd = Date.now();
  while (busy.size && Date.now() < steadyEnd + 10_000) await new Promise((r) => setTimeout(r, 50));
  steady = { rate, sent, answered, errors: steadyErrors, skipped, msgs_per_s: answered / seconds, from: steadyStart, to: steadyEnd };
}
console.log(JSON.stringify({ connected: clients.length, failed, ramp_ms: rampMs, ...flood, flood, steady }));
await Promise.all(clients.map((c) => c.close({ force: true }).catch(() => {})));
process.exit(0);
