/**
 * PostgreSQL text and jsonb cannot hold U+0000, so a NUL anywhere in input would fail deep in a
 * write. Input is checked once at each edge (HTTP, OCPP) with this, and refused naming the field.
 */
export function findNul(value: unknown, path: string): string | undefined {
  if (typeof value === 'string') return value.includes('\u0000') ? path : undefined;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = findNul(value[i], `${path}[${i}]`);
      if (found) return found;
    }
    return undefined;
  }
  if (value !== null && typeof value === 'object') {
    for (const [key, inner] of Object.entries(value)) {
      if (key.includes('\u0000')) return `${path}.${key.replaceAll('\u0000', '\\u0000')}`;
      const found = findNul(inner, `${path}.${key}`);
      if (found) return found;
    }
  }
  return undefined;
}
