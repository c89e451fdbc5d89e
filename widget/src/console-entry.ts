// The operator console's script (`voltshare-console.js`): the widget's elements (the map among them) and the console's pages.
import './index.js';
import { consoleElements } from './console/index.js';

export * from './console/index.js';

for (const [name, element] of consoleElements) if (!customElements.get(name)) customElements.define(name, element);
