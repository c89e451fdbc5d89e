// The driver app's script (`voltshare-app.js`): the widget's elements and the app's screens. Pages
// that embed only the map or a station load `voltshare.js` and never download the app.
import './index.js';
import { VoltshareAccountSecurity } from './app/voltshare-account-security.js';
import { VoltshareApp } from './app/voltshare-app.js';
import { VoltshareCharge } from './app/voltshare-charge.js';
import { VoltshareFind } from './app/voltshare-find.js';
import { VoltshareHelp } from './app/voltshare-help.js';
import { VoltshareHistory } from './app/voltshare-history.js';
import { VoltshareWallet } from './app/voltshare-wallet.js';

export * from './index.js';
export { VoltshareAccountSecurity, VoltshareApp, VoltshareCharge, VoltshareFind, VoltshareHelp, VoltshareHistory, VoltshareWallet };

const elements: [string, CustomElementConstructor][] = [
  ['voltshare-find', VoltshareFind],
  ['voltshare-charge', VoltshareCharge],
  ['voltshare-wallet', VoltshareWallet],
  ['voltshare-history', VoltshareHistory],
  ['voltshare-help', VoltshareHelp],
  ['voltshare-account-security', VoltshareAccountSecurity],
  ['voltshare-app', VoltshareApp],
];
for (const [name, element] of elements) if (!customElements.get(name)) customElements.define(name, element);
