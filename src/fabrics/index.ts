/**
 * Public API of the fabrics module: colour science, procedural cloth, swatch tiles.
 */
export * from './color.ts';
export {
  generateFabricTexture,
  createTextureCache,
  textureKey,
  textureLinear,
  textureLuma,
  TEXTURE_VERSION,
  warmTextureGenerator,
  type FabricTexture,
  type TextureOptions,
  type TextureCache,
  type TextureCacheStats,
} from './texture.ts';
export { resolveFabric, deriveAccent, planPattern, DEFAULT_REPEAT_MM, type ResolvedFabric, type PatternPlan } from './pattern.ts';
export { weaveMatrix, type WeaveMatrix } from './weave.ts';
export {
  makeSwatchTile,
  assessSwatchPhoto,
  inspectSwatchPhoto,
  findPeriod,
  profilePeriod,
  type SwatchCrop,
  type SwatchTileOptions,
  type SwatchTileResult,
  type SwatchProblem,
  type SwatchProblemCode,
  type SwatchPhotoReport,
  type SwatchAssessOptions,
} from './swatch.ts';
export { resamplePeriodic, blurPeriodic, areaWeights } from './resample.ts';
