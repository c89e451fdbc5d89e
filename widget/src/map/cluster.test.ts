import { describe, expect, it } from 'vitest';
import { clusterPoints } from './cluster.js';

describe('clusterPoints', () => {
  it('merges points sharing a cell and keeps distant ones apart', () => {
    const clusters = clusterPoints(
      [
        { item: 'a', x: 10, y: 10 },
        { item: 'b', x: 30, y: 20 },
        { item: 'c', x: 200, y: 200 },
      ],
      48,
    );
    expect(clusters.map((c) => c.items)).toEqual([['a', 'b'], ['c']]);
    expect(clusters[0]).toMatchObject({ x: 20, y: 15 });
  });

  it('keeps every point exactly once', () => {
    const points = Array.from({ length: 500 }, (_, i) => ({ item: i, x: (i * 37) % 640, y: (i * 91) % 480 }));
    const items = clusterPoints(points).flatMap((c) => c.items);
    expect(items.sort((a, b) => a - b)).toEqual(points.map((p) => p.item));
  });
});
