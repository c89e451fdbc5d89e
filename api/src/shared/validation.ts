/**
 * Shared field shapes for request models. tsoa turns these JSDoc tags into validation and into
 * the OpenAPI schema, so the rule and its documentation are one.
 */

/**
 * @pattern ^[^@\s]+@[^@\s]+\.[^@\s]+$
 * @maxLength 254
 * @example "ana@example.com"
 */
export type Email = string;

/**
 * At least 10 characters.
 * @minLength 10
 * @maxLength 200
 */
export type Password = string;

/**
 * @minLength 1
 * @maxLength 200
 */
export type DisplayName = string;

/**
 * ISO 3166-1 alpha-2.
 * @pattern ^[A-Z]{2}$
 * @example "LU"
 */
export type CountryCode = string;

/**
 * ISO 4217.
 * @pattern ^[A-Z]{3}$
 * @example "EUR"
 */
export type CurrencyCode = string;

/**
 * BCP 47 language tag.
 * @pattern ^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$
 * @example "de"
 */
export type Locale = string;

export const normaliseEmail = (email: string): string => email.trim().toLowerCase();
