export interface ScreenPoint<T> {
  item: T;
  x: number;
  y: number;
}

export interface Cluster<T> {
  items: T[];
  /** Centre of the members, in the same screen space. */
  x: number;
  y: number;
}

/**
 * Groups points that would overlap on screen: a grid of `cellPx` cells, merged into the cluster
 * of the first point seen in a cell. Linear time, stable for the same input, good enough for the
 * few thousand stations one view holds.
 */
export function clusterPoints<T>(points: ScreenPoint<T>[], cellPx = 48): Cluster<T>[] {
  const cells = new Map<string, { items: T[]; sx: number; sy: number }>();
  for (const p of points) {
    const key = `${Math.floor(p.x / cellPx)}:${Math.floor(p.y / cellPx)}`;
    const cell = cells.get(key);
    if (cell) {
      cell.items.push(p.item);
      cell.sx += p.x;
      cell.sy += p.y;
    } else cells.set(key, { items: [p.item], sx: p.x, sy: p.y });
  }
  return [...cells.values()].map((c) => ({ items: c.items, x: c.sx / c.items.length, y: c.sy / c.items.length }));
}
