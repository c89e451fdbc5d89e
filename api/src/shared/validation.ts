// Shared field shapes for request models. tsoa turns the JSDoc tags below into validation and
// into the OpenAPI schema, so each rule and its documentation are one. (A block comment here
// would be taken as the first type's JSDoc.)

/**
 * An email address. (In the pattern, \x40 stands for the at sign, which JSDoc reads as a tag.)
 * @maxLength 254
 * @pattern ^[^\x40\s]+\x40[^\x40\s]+\.[^\x40\s]+$
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
 * @maxLength 2
 * @example "LU"
 */
export type CountryCode = string;

/**
 * ISO 4217.
 * @pattern ^[A-Z]{3}$
 * @maxLength 3
 * @example "EUR"
 */
export type CurrencyCode = string;

/**
 * BCP 47 language tag.
 * @pattern ^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$
 * @maxLength 35
 * @example "de"
 */
export type Locale = string;

/**
 * An id this API issued (`loc_…`), or a client's own reference.
 * @minLength 1
 * @maxLength 64
 */
export type ResourceId = string;

/**
 * An opaque cursor from a list's `next_cursor`.
 * @maxLength 512
 */
export type Cursor = string;

/**
 * Free text of a few words (a tag, a label, a URL-safe reference).
 * @maxLength 255
 */
export type ShortText = string;

export const normaliseEmail = (email: string): string => email.trim().toLowerCase();
