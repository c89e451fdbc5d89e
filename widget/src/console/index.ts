import { VoltshareConsoleCharger } from './console-charger.js';
import { VoltshareConsoleIncidents } from './console-incidents.js';
import { VoltshareConsoleOverview } from './console-overview.js';
import { VoltshareConsoleReservations } from './console-reservations.js';
import { VoltshareConsoleReviews } from './console-reviews.js';
import { VoltshareConsoleSessions } from './console-sessions.js';
import { VoltshareConsoleSites } from './console-sites.js';
import { VoltshareConsoleSupport } from './console-support.js';
import { VoltshareConsoleTariffs } from './console-tariffs.js';
import { VoltshareConsoleUptime } from './console-uptime.js';
import { VoltshareConsole } from './voltshare-console.js';

export {
  VoltshareConsole,
  VoltshareConsoleCharger,
  VoltshareConsoleIncidents,
  VoltshareConsoleOverview,
  VoltshareConsoleReservations,
  VoltshareConsoleReviews,
  VoltshareConsoleSessions,
  VoltshareConsoleSites,
  VoltshareConsoleSupport,
  VoltshareConsoleTariffs,
  VoltshareConsoleUptime,
};

/** The console's elements, defined by `voltshare-console.js`. */
export const consoleElements: [string, CustomElementConstructor][] = [
  ['voltshare-console-overview', VoltshareConsoleOverview],
  ['voltshare-console-sites', VoltshareConsoleSites],
  ['voltshare-console-charger', VoltshareConsoleCharger],
  ['voltshare-console-sessions', VoltshareConsoleSessions],
  ['voltshare-console-reservations', VoltshareConsoleReservations],
  ['voltshare-console-tariffs', VoltshareConsoleTariffs],
  ['voltshare-console-support', VoltshareConsoleSupport],
  ['voltshare-console-incidents', VoltshareConsoleIncidents],
  ['voltshare-console-reviews', VoltshareConsoleReviews],
  ['voltshare-console-uptime', VoltshareConsoleUptime],
  ['voltshare-console', VoltshareConsole],
];
