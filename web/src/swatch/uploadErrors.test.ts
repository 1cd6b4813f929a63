import { describe, expect, it } from 'vitest';
import { ApiError, UnreachableError } from '../api/client.ts';
import { createTranslator } from '../i18n/i18n.tsx';
import { clothProblem, precheckFile } from './uploadErrors.ts';

const en = createTranslator('en');
const es = createTranslator('es');

describe('a photo that cannot be used says why', () => {
  it.each([
    [new ApiError(415, 'unsupported_type', 'The file is not an image we can read: it looks like a PDF document'), /not a photo/],
    [new ApiError(415, 'unsupported_type', 'it is a HEIC photo, as iPhones take by default'), /HEIC/],
    [new ApiError(413, 'too_large', 'The photo is larger than 5 MB'), /too large/],
    [new ApiError(422, 'too_many_pixels', 'The image is 9000 × 9000 pixels'), /too many pixels/],
    [new ApiError(422, 'too_small', 'The image is 40 × 40 pixels'), /too small/],
    [new ApiError(422, 'blurred', 'The photo is out of focus'), /blurred/],
    [new ApiError(422, 'too_blurry', 'The photo is out of focus'), /blurred/],
    [new ApiError(422, 'corrupt_image', 'The image data is damaged'), /could not be read/],
    [new UnreachableError(), /did not reach the server/],
  ])('%s', (error, message) => {
    expect(clothProblem(error, en).message).toMatch(message);
  });

  it('keeps the server’s detail and falls back to its message for anything unforeseen', () => {
    expect(clothProblem(new ApiError(413, 'too_large', 'The photo is larger than 5 MB'), en).detail).toBe('The photo is larger than 5 MB');
    expect(clothProblem(new ApiError(422, 'validation_failed', 'crop: the crop box must lie inside the photo'), en)).toEqual({
      message: 'The photo could not be used.',
      detail: 'crop: the crop box must lie inside the photo',
    });
  });

  it('speaks Spanish', () => {
    expect(clothProblem(new ApiError(422, 'blurred', 'x'), es).message).toMatch(/movida/);
    expect(clothProblem(new ApiError(413, 'too_large', 'x'), es).message).toMatch(/demasiado grande/);
  });

  it('refuses obvious non-photos before sending them', () => {
    expect(precheckFile(new File(['%PDF-1.4'], 'fabric.pdf', { type: 'application/pdf' }), en)?.message).toMatch(/not a photo/);
    expect(precheckFile(new File(['x'], 'IMG_0001.HEIC', { type: 'image/heic' }), en)?.message).toMatch(/HEIC/);
    expect(precheckFile(new File([], 'empty.jpg', { type: 'image/jpeg' }), en)?.message).toMatch(/not a photo/);
    expect(precheckFile(new File(['x'], 'cloth.jpg', { type: 'image/jpeg' }), en)).toBeUndefined();
    expect(precheckFile(new File(['x'], 'cloth', { type: '' }), en)).toBeUndefined();
  });
});
