import { VoltshareBooking } from './booking/voltshare-booking.js';
import { VoltshareCommunity } from './community/voltshare-community.js';
import { VoltshareMap } from './map/voltshare-map.js';
import { VoltshareSession } from './session/voltshare-session.js';
import { VoltshareStation } from './station/voltshare-station.js';

export type { VoltshareCancelledEvent, VoltshareReservedEvent } from './booking/voltshare-booking.js';
export type { VoltshareCheckedInEvent } from './community/voltshare-community.js';
export type { SelectDetail, VoltshareSelectEvent } from './map/voltshare-map.js';
export { formatClock, formatDateTime, formatDistance, formatDuration, formatEnergy, formatMoney, formatPower } from './shared/format.js';
export { getLocale, LANGUAGES, locales, resolveLocale, setLocale } from './shared/localization.js';
export { VoltshareBooking, VoltshareCommunity, VoltshareMap, VoltshareSession, VoltshareStation };

const elements: [string, CustomElementConstructor][] = [
  ['voltshare-map', VoltshareMap],
  ['voltshare-station', VoltshareStation],
  ['voltshare-booking', VoltshareBooking],
  ['voltshare-session', VoltshareSession],
  ['voltshare-community', VoltshareCommunity],
];
// Defined once, even when a page loads the script twice.
for (const [name, element] of elements) if (!customElements.get(name)) customElements.define(name, element);
