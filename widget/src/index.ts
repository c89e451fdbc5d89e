import { VoltshareApp } from './app/voltshare-app.js';
import { VoltshareCharge } from './app/voltshare-charge.js';
import { VoltshareFind } from './app/voltshare-find.js';
import { VoltshareHelp } from './app/voltshare-help.js';
import { VoltshareHistory } from './app/voltshare-history.js';
import { VoltshareWallet } from './app/voltshare-wallet.js';
import { VoltshareBooking } from './booking/voltshare-booking.js';
import { VoltshareMap } from './map/voltshare-map.js';
import { VoltshareSession } from './session/voltshare-session.js';
import { VoltshareStation } from './station/voltshare-station.js';

export type { VoltshareCancelledEvent, VoltshareReservedEvent } from './booking/voltshare-booking.js';
export type { SelectDetail, VoltshareSelectEvent } from './map/voltshare-map.js';
export { formatClock, formatDateTime, formatDistance, formatDuration, formatEnergy, formatMoney, formatPower } from './shared/format.js';
export { getLocale, LANGUAGES, locales, resolveLocale, setLocale } from './shared/localization.js';
export {
  VoltshareApp,
  VoltshareBooking,
  VoltshareCharge,
  VoltshareFind,
  VoltshareHelp,
  VoltshareHistory,
  VoltshareMap,
  VoltshareSession,
  VoltshareStation,
  VoltshareWallet,
};

const elements: [string, CustomElementConstructor][] = [
  ['voltshare-map', VoltshareMap],
  ['voltshare-station', VoltshareStation],
  ['voltshare-booking', VoltshareBooking],
  ['voltshare-session', VoltshareSession],
  ['voltshare-find', VoltshareFind],
  ['voltshare-charge', VoltshareCharge],
  ['voltshare-wallet', VoltshareWallet],
  ['voltshare-history', VoltshareHistory],
  ['voltshare-help', VoltshareHelp],
  ['voltshare-app', VoltshareApp],
];
// Defined once, even when a page loads the script twice.
for (const [name, element] of elements) if (!customElements.get(name)) customElements.define(name, element);
