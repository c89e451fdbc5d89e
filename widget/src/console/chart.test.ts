import { describe, expect, it } from 'vitest';
import { niceCeiling } from './chart.js';

describe('the chart axis', () => {
  it('tops out at a round number at or above the highest bar', () => {
    expect([0, 0.3, 1, 1.2, 2.4, 3, 7.9, 112.89, 250, 277.43, 1_001].map(niceCeiling)).toEqual([1, 0.3, 1, 1.5, 2.5, 3, 8, 150, 250, 300, 1_500]);
  });
});
