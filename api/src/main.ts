import { failedToStart, runMain } from './server/run.js';

// The API alone. `npm start` runs ocpp-gateway's main, which adds the OCPP gateway.
runMain().catch(failedToStart);
