import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { OcmReference } from './ocm.js';

const dataDir = new URL('../../data/ocm/', import.meta.url);

/** The real Luxembourg records shipped with the product (see data/ocm/ATTRIBUTION.md). */
export function luxembourgPois(): unknown[] {
  return JSON.parse(readFileSync(fileURLToPath(new URL('LU.json', dataDir)), 'utf8')) as unknown[];
}

export function ocmReference(): OcmReference {
  return JSON.parse(readFileSync(fileURLToPath(new URL('referencedata.json', dataDir)), 'utf8')) as OcmReference;
}
