import { describe, expect, it } from 'vitest';
import { ApiError, UnreachableError } from '../api/client.ts';
import { createTranslator } from '../i18n/i18n.tsx';
import { studioProblem } from './errors.ts';

describe('studio photo problems', () => {
  const es = createTranslator('es');
  const en = createTranslator('en');

  it('says what to do about a HEIC photo, a photo too large, or with too many pixels, in the person’s language', () => {
    const heic = studioProblem(new ApiError(415, 'unsupported_media_type', 'HEIC photos cannot be read here; export it as JPEG'), es);
    expect(heic.message).toBe(es.t('studio.error.heic'));
    expect(heic.message).toMatch(/HEIC.*JPEG/);
    expect(heic.detail).toContain('HEIC');
    expect(studioProblem(new ApiError(415, 'unsupported_media_type', 'Expected a JPEG, PNG or WebP image'), en).message).toBe(en.t('studio.error.notImage'));
    expect(studioProblem(new ApiError(413, 'too_large', 'The file is larger than 20 MB'), en)).toEqual({
      message: en.t('studio.error.tooBig'),
      detail: 'The file is larger than 20 MB',
    });
    expect(studioProblem(new ApiError(422, 'too_many_pixels', 'More than 40 megapixels'), en).message).toBe(en.t('studio.error.tooManyPixels'));
    expect(studioProblem(new ApiError(404, 'not_found', 'No such studio photo'), es).message).toBe(es.t('studio.error.gone'));
  });

  it('tells an unreachable server from a refusal, and keeps the server’s sentence when it has no better one', () => {
    expect(studioProblem(new UnreachableError(), es).message).toBe(es.t('studio.error.unreachable'));
    expect(studioProblem(new ApiError(422, 'mask_size', 'The mask must be 1024×1536, the photo’s size'), en, 'studio.apply.failed')).toEqual({
      message: en.t('studio.apply.failed'),
      detail: 'The mask must be 1024×1536, the photo’s size',
    });
    expect(studioProblem(new Error('boom'), en).message).toBe(en.t('studio.error.failed'));
  });
});

describe('a studio render’s caption', () => {
  it('reads as the client’s photo in the cloth, never as a cut called “studio”', async () => {
    const { describeRender } = await import('../render/describe.ts');
    const { FAMILIES, CUTS, render } = await import('../test/fixtures.ts');
    const es = createTranslator('es');
    const studio = render({ id: 'r-studio', family: 'twill', color: 'navy', cut: 'studio', view: 'photo' });
    const caption = describeRender(studio, es, { families: FAMILIES, cuts: CUTS });
    expect(caption.line).toBe('Super 120s Twill · Azul marino · Foto del cliente');
    expect(caption.alt).toBe('La foto del cliente, en Super 120s Twill, Azul marino');
    const en = createTranslator('en');
    const cloth = describeRender({ ...studio, swatchUploadId: '6f1c1f7e-0000-4000-8000-000000000001' }, en);
    expect(cloth.line).toBe('Photographed cloth · Client’s photo');
    expect(cloth.alt).not.toMatch(/studio|view/i);
  });
});
