export { formatDistance, formatEnergy, formatMoney, formatPower } from './format.js';
