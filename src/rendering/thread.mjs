// Entry of a render thread: threads do not inherit the tsx loader under every runner, so register it.
import { register } from 'tsx/esm/api';

register();
const thread = await import('./thread.ts');
export const render = thread.render;
export const swatchTile = thread.swatchTile;
export const warm = thread.warm;
export const inspectUpload = thread.inspectUpload;
export const assessPhoto = thread.assessPhoto;
export const rectifyCloth = thread.rectifyCloth;
export const refineInputs = thread.refineInputs;
export const refineFinish = thread.refineFinish;
export const studioPhoto = thread.studioPhoto;
export const studioMask = thread.studioMask;
export const studioFill = thread.studioFill;
export const prepareTextures = thread.prepareTextures;
export const preparePhotoTask = thread.preparePhotoTask;
export const prepareTemplate = thread.prepareTemplate;
export const prepareDrawn = thread.prepareDrawn;
export const primeDrafts = thread.primeDrafts;
export const draftAhead = thread.draftAhead;
export const niceness = thread.niceness;
