import { FlowNetwork } from './max-flow.js';

/** One car at an EVSE of the site, as the scheduler sees it. */
export interface ChargingNeed {
  /** The session (or EVSE) the allocation is for. */
  id: string;
  /** Energy still wanted, Wh; `Infinity` when nobody said (the car takes what it is given). */
  remainingWh: number;
  /** The most this EVSE and car take, W. */
  maxPowerW: number;
  /** Below this the EVSE cannot charge at all (6 A per phase for AC, IEC 61851), W; 0 for any rate. */
  minPowerW: number;
  /** When the car leaves (ms since the epoch). */
  departureMs: number;
  /** The driver lets the platform shift this car's charging (it shares last now; under least cost it waits for cheap hours). */
  flexible?: boolean;
}

export interface SitePlanInput {
  nowMs: number;
  /** How long the allocation holds until the next step, ms (5 minutes in production). */
  stepMs: number;
  /** The site's cap in force, W. */
  capW: number;
  needs: ChargingNeed[];
}

export interface Allocation {
  id: string;
  /** The power limit to send now, W (fractional; whoever sends it rounds down). */
  powerW: number;
  /** What the plan delivers to this car by its departure, Wh (for "32 kWh by 17:30"). */
  plannedWh: number;
}

const HOUR_MS = 3_600_000;
/** Cars whose laxity differs by less than a minute share alike (closer to pure LLF measured better in bench/scheduling than a whole step). */
const STEP_GROUPING_MS = 60_000;
const EPSILON = 1e-6;

/**
 * Plans a site's power for the next step. Over the horizon (now to the last departure, cut at
 * each departure), the cars' energy is a flow: source → car (what it still wants) → time interval
 * (what its EVSE can take in it) → sink (what the cap allows in it).
 *  1. Now, the cap goes to the most urgent cars first (least laxity: the time left beyond what the
 *     car needs at full power); cars about as urgent (within a step) share alike, and cars whose
 *     need nobody stated come last, sharing alike. This fills the current step as far as the cars
 *     can take it.
 *  2. The rest of the horizon is then filled as a maximum flow, which may move power now from one
 *     car to another (never lessening what is delivered now) where that lets more energy reach the
 *     cars by their departures.
 *  3. Last, the minimum-current rule: a car given less than its EVSE's minimum is raised to it
 *     when the cap has room, else paused and its share given to the others.
 * The allocations never add up to more than the cap, and no EVSE gets more than its maximum.
 */
export function planSite(input: SitePlanInput): Allocation[] {
  const { nowMs, stepMs, needs } = input;
  const capW = Math.max(0, input.capW);
  const present = needs.filter((n) => n.remainingWh > 0 && n.maxPowerW > 0 && n.departureMs > nowMs);
  const result = new Map<string, Allocation>(needs.map((n) => [n.id, { id: n.id, powerW: 0, plannedWh: 0 }]));
  if (present.length === 0 || capW === 0) return [...result.values()];

  const hours = (from: number, to: number) => Math.max(0, to - from) / HOUR_MS;
  const firstEnd = nowMs + stepMs;
  const firstHours = hours(nowMs, firstEnd);
  // Time is cut at every departure after the current step: within an interval nothing changes.
  const bounds = [nowMs, firstEnd, ...[...new Set(present.map((n) => n.departureMs).filter((d) => d > firstEnd))].sort((a, b) => a - b)];
  const wanted = present.map((n) => Math.min(n.remainingWh, n.maxPowerW * hours(nowMs, n.departureMs)));
  const firstRoom = present.map((n, i) => Math.min(n.maxPowerW * hours(nowMs, Math.min(firstEnd, n.departureMs)), wanted[i] as number));

  const now = shareNow(present, firstRoom, capW * firstHours, nowMs, hours);

  // The flow: the current step as shared above, then everything else that fits.
  const intervals = bounds.length - 1;
  const sink = 1 + present.length + intervals;
  const network = new FlowNetwork(sink + 1);
  const interval = (k: number) => 1 + present.length + k;
  const firstEdges: number[] = [];
  const sessionEdges: number[][] = [];
  present.forEach((n, i) => {
    network.addEdge(0, 1 + i, wanted[i] as number);
    const edges: number[] = [];
    for (let k = 0; k < intervals; k++) {
      const from = bounds[k] as number;
      const to = Math.min(bounds[k + 1] as number, n.departureMs);
      if (to <= from) break;
      edges.push(network.addEdge(1 + i, interval(k), k === 0 ? (now[i] as number) : n.maxPowerW * hours(from, to)));
    }
    firstEdges.push(edges[0] as number);
    sessionEdges.push(edges);
  });
  network.addEdge(interval(0), sink, capW * firstHours);
  const later: { edge: number; capacity: number }[] = [];
  for (let k = 1; k < intervals; k++)
    later.push({ edge: network.addEdge(interval(k), sink, 0), capacity: capW * hours(bounds[k] as number, bounds[k + 1] as number) });
  network.augment(0, sink, EPSILON);
  // Now open the rest: the flow through the current step never shrinks, but may change hands.
  for (let i = 0; i < present.length; i++) network.setCapacity(firstEdges[i] as number, firstRoom[i] as number);
  for (const { edge, capacity } of later) network.setCapacity(edge, capacity);
  network.augment(0, sink, EPSILON);

  const power = present.map((_, i) => network.flowOn(firstEdges[i] as number) / firstHours);
  applyMinimumPower(present, power, capW);
  present.forEach((n, i) => {
    const planned = (sessionEdges[i] as number[]).reduce((sum, e) => sum + network.flowOn(e), 0);
    const first = network.flowOn(firstEdges[i] as number);
    const powerW = power[i] as number;
    // The plan's energy, with the first step as it is actually sent.
    result.set(n.id, { id: n.id, powerW, plannedWh: Math.round(planned - first + powerW * firstHours) });
  });
  return [...result.values()];
}

/**
 * The current step's energy per car (Wh): least laxity first; cars within one step of each other's
 * laxity share alike (water-filling), as do the cars whose need is unknown, last.
 */
function shareNow(needs: ChargingNeed[], room: number[], capWh: number, nowMs: number, hours: (a: number, b: number) => number): number[] {
  const stepHours = hours(0, STEP_GROUPING_MS);
  // Flexible cars and cars whose need is unknown come last: nobody waits on them.
  const laxity = needs.map((n) =>
    Number.isFinite(n.remainingWh) && !n.flexible ? hours(nowMs, n.departureMs) - n.remainingWh / n.maxPowerW : Number.POSITIVE_INFINITY,
  );
  const order = needs.map((_, i) => i).sort((a, b) => (laxity[a] as number) - (laxity[b] as number));
  const given = needs.map(() => 0);
  let left = capWh;
  for (let g = 0; g < order.length && left > EPSILON; ) {
    const head = laxity[order[g] as number] as number;
    let end = g;
    while (end < order.length && ((laxity[order[end] as number] as number) - head <= stepHours || !Number.isFinite(head))) end++;
    // Water-filling inside the group: equal shares, each capped by what the car can take.
    let open = order.slice(g, end).filter((i) => (room[i] as number) > EPSILON);
    while (open.length && left > EPSILON) {
      const share = left / open.length;
      const still: number[] = [];
      for (const i of open) {
        const give = Math.min(share, (room[i] as number) - (given[i] as number));
        given[i] = (given[i] as number) + give;
        left -= give;
        if ((room[i] as number) - (given[i] as number) > EPSILON) still.push(i);
      }
      if (still.length === open.length) break;
      open = still;
    }
    g = end;
  }
  return given;
}

/**
 * An EVSE cannot charge below its minimum: a share below it is raised to it while the cap has room
 * (least slack first), else paused, and what it frees goes to the cars that can take more.
 */
export function applyMinimumPower(needs: ChargingNeed[], power: number[], capW: number): void {
  // An EVSE whose minimum is above its maximum (a three-phase minimum on a single-phase car) cannot charge.
  const minimum = (n: ChargingNeed) => (n.minPowerW > n.maxPowerW ? Number.POSITIVE_INFINITY : n.minPowerW);
  const below = needs.map((_, i) => i).filter((i) => (power[i] as number) > 0 && (power[i] as number) < minimum(needs[i] as ChargingNeed));
  if (below.length === 0) return;
  let spare = capW - power.reduce((a, b) => a + b, 0);
  below.sort((a, b) => (needs[a] as ChargingNeed).departureMs - (needs[b] as ChargingNeed).departureMs);
  for (const i of below) {
    const lift = minimum(needs[i] as ChargingNeed) - (power[i] as number);
    if (lift <= spare + EPSILON) {
      power[i] = minimum(needs[i] as ChargingNeed);
      spare -= lift;
    } else {
      spare += power[i] as number;
      power[i] = 0;
    }
  }
  // What was freed goes to cars already charging that can take more, earliest departure first.
  const takers = needs.map((_, i) => i).filter((i) => (power[i] as number) > 0);
  takers.sort((a, b) => (needs[a] as ChargingNeed).departureMs - (needs[b] as ChargingNeed).departureMs);
  for (const i of takers) {
    if (spare <= EPSILON) break;
    const room = (needs[i] as ChargingNeed).maxPowerW - (power[i] as number);
    const give = Math.min(room, spare);
    power[i] = (power[i] as number) + give;
    spare -= give;
  }
}
