import decodeHeic from 'heic-decode';
import sharp, { type Metadata, type Sharp } from 'sharp';
import { fail } from '../shared/errors.js';

/** The largest upload accepted (the HTTP layer refuses larger bodies before they are read). */
export const MAX_PHOTO_BYTES = 15 * 1024 * 1024;
/** Above this many pixels an image is refused before it is decoded: a decompression bomb stays a few bytes. */
export const MAX_PHOTO_PIXELS = 50_000_000;
/** The long side of the stored photo and of its thumbnail. */
const LONG_SIDE = 2048;
const THUMB_SIDE = 320;

// One image at a time per process and no pixel cache: a 12-megapixel photo stays within tens of MB.
sharp.cache(false);
sharp.concurrency(1);

export interface ProcessedPhoto {
  /** WebP, resized, oriented, with no metadata at all (no EXIF, GPS, camera serials, XMP or ICC). */
  photo: Buffer;
  thumbnail: Buffer;
  width: number;
  height: number;
}

type Kind = 'jpeg' | 'png' | 'webp' | 'heic';

/** What the bytes are, from their signature (the declared type is only checked against it). */
function kindOf(bytes: Buffer): Kind | undefined {
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpeg';
  if (bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'png';
  if (bytes.subarray(0, 4).toString('latin1') === 'RIFF' && bytes.subarray(8, 12).toString('latin1') === 'WEBP') return 'webp';
  // ISO BMFF: "ftyp" then a HEIF brand.
  if (bytes.subarray(4, 8).toString('latin1') === 'ftyp' && /^(heic|heix|hevc|hevx|mif1|msf1)$/.test(bytes.subarray(8, 12).toString('latin1'))) return 'heic';
  return undefined;
}

const DECLARED: Record<string, Kind> = { 'image/jpeg': 'jpeg', 'image/png': 'png', 'image/webp': 'webp', 'image/heic': 'heic', 'image/heif': 'heic' };

/**
 * A driver's photo made safe to publish: the bytes must be the image type they claim, at most
 * MAX_PHOTO_PIXELS, then decoded once, turned upright, shrunk to LONG_SIDE and re-encoded, which
 * drops every metadata block; a thumbnail from the same decode.
 */
export async function processPhoto(contentType: string | undefined, bytes: Buffer): Promise<ProcessedPhoto> {
  const declared = DECLARED[(contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? ''];
  if (!declared) throw fail.invalid([{ field: 'header.content-type', message: 'send a JPEG, PNG, WebP or HEIC photo' }]);
  if (bytes.length === 0) throw fail.invalid([{ field: 'body', message: 'is empty' }]);
  if (bytes.length > MAX_PHOTO_BYTES) throw fail.invalid([{ field: 'body', message: `is larger than ${MAX_PHOTO_BYTES / 1024 / 1024} MB` }]);
  const kind = kindOf(bytes);
  if (kind !== declared) throw fail.invalid([{ field: 'body', message: `is not a ${declared.toUpperCase()} image` }]);
  // Read in strips from top to bottom rather than whole: a 12-megapixel photo never sits decoded in memory at once.
  const source = kind === 'heic' ? await heicSource(bytes) : sharp(bytes, { limitInputPixels: MAX_PHOTO_PIXELS, failOn: 'error', sequentialRead: true });
  let meta: Metadata;
  try {
    // The header alone, without the pixel limit (which would refuse without saying the size); decoding keeps the limit.
    meta = await (kind === 'heic' ? source : sharp(bytes, { limitInputPixels: false })).metadata();
  } catch {
    throw fail.invalid([{ field: 'body', message: `is not a readable ${declared.toUpperCase()} image` }]);
  }
  const width = meta.width ?? 0;
  const height = meta.height ?? 0;
  if (width * height > MAX_PHOTO_PIXELS || width === 0 || height === 0) {
    throw fail.invalid([{ field: 'body', message: `has ${width} × ${height} pixels; at most ${MAX_PHOTO_PIXELS / 1_000_000} megapixels` }]);
  }
  try {
    const { data: photo, info } = await source
      .rotate()
      .resize({ width: LONG_SIDE, height: LONG_SIDE, fit: 'inside', withoutEnlargement: true })
      .webp({ quality: 80 })
      .toBuffer({ resolveWithObject: true });
    // From the photo just made, not the original: one decode of the large image, not two.
    const thumbnail = await sharp(photo).resize({ width: THUMB_SIDE, height: THUMB_SIDE, fit: 'inside' }).webp({ quality: 70 }).toBuffer();
    return { photo, thumbnail, width: info.width, height: info.height };
  } catch {
    throw fail.invalid([{ field: 'body', message: `is a damaged ${declared.toUpperCase()} image` }]);
  }
}

/** HEIC (HEVC) is not in the image library's prebuilt decoders: decoded to pixels first, after checking the size it declares. */
async function heicSource(bytes: Buffer): Promise<Sharp> {
  let image: { width: number; height: number; data: Uint8ClampedArray };
  try {
    image = await decodeHeic({ buffer: bytes });
  } catch {
    throw fail.invalid([{ field: 'body', message: 'is not a readable HEIC image' }]);
  }
  if (image.width * image.height > MAX_PHOTO_PIXELS) {
    throw fail.invalid([{ field: 'body', message: `has ${image.width} × ${image.height} pixels; at most ${MAX_PHOTO_PIXELS / 1_000_000} megapixels` }]);
  }
  return sharp(Buffer.from(image.data.buffer, image.data.byteOffset, image.data.byteLength), {
    raw: { width: image.width, height: image.height, channels: 4 },
    limitInputPixels: MAX_PHOTO_PIXELS,
  });
}
