import { describe, expect, it, vi } from 'vitest';
import { CROP_ON_DEVICE_ABOVE_BYTES, prepareUpload } from './onDeviceCrop.ts';

const crop = { left: 10, top: 20, width: 300, height: 200 };
const blob = (size: number) => new Blob([new Uint8Array(size)], { type: 'image/jpeg' });

describe('preparing a photo for upload', () => {
  it('sends a small photo whole, with the crop for the server', async () => {
    const cut = vi.fn();
    const file = blob(1000);
    expect(await prepareUpload(file, crop, cut)).toEqual({ file, crop });
    expect(cut).not.toHaveBeenCalled();
  });

  it('cuts the framed cloth out of a large photo on the device and sends it alone', async () => {
    const small = blob(500);
    const cut = vi.fn(async () => small);
    const result = await prepareUpload(blob(CROP_ON_DEVICE_ABOVE_BYTES + 1), crop, cut);
    expect(result).toEqual({ file: small });
    expect(cut).toHaveBeenCalledWith(expect.any(Blob), crop);
  });

  it('sends the whole photo when the device cannot cut it', async () => {
    const big = blob(CROP_ON_DEVICE_ABOVE_BYTES + 1);
    expect(await prepareUpload(big, crop, async () => undefined)).toEqual({ file: big, crop });
  });
});
