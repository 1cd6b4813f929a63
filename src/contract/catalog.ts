import { z } from 'zod';
import { PATTERNS, SEASONS, WEAVES } from './enums.ts';

/** The stylist's catalogue: fabric families with their colourways, and the cuts with their views. */

export const season = z.enum(SEASONS);
export const hex = z
  .string()
  .regex(/^#?[0-9a-fA-F]{6}$/, { message: 'expected a colour such as #1C2841' })
  .transform((v) => `#${v.replace('#', '')}`.toUpperCase());
/** A colour as the API writes it: `#RRGGBB`, upper case. */
export const hexOut = z.string().regex(/^#[0-9A-Fa-f]{6}$/);

/** How a family's cloth is woven and patterned: what the procedural engine draws. */
export const fabricDesign = z.object({
  weave: z.enum(WEAVES),
  pattern: z.enum(PATTERNS),
  threadMm: z.number().min(0.05).max(3),
  repeatMm: z.number().min(1).max(500).optional(),
  heather: z.number().min(0).max(1).optional(),
  nap: z.number().min(0).max(1).optional(),
  sheen: z.number().min(0).max(1).optional(),
  accentHex: hex.optional(),
});
/** The same design as stored and answered (colours already normalised). */
export const fabricDesignOut = fabricDesign.extend({ accentHex: hexOut.optional() });
export type FabricDesign = z.infer<typeof fabricDesignOut>;

export const colorway = z.object({
  id: z.string().describe('the colour slug'),
  name: z.string(),
  hex: hexOut,
  repeatMm: z.number().nullable(),
  swatchUrl: z.string(),
});
export type Colorway = z.infer<typeof colorway>;

export const fabricFamily = z.object({
  id: z.string().describe('the family slug'),
  name: z.string(),
  composition: z.string(),
  weightGsm: z.number().nullable(),
  season,
  description: z.string(),
  design: fabricDesignOut,
  sort: z.number(),
  colors: z.array(colorway),
});
export type FabricFamily = z.infer<typeof fabricFamily>;

export const cutView = z.object({
  id: z.string().describe('the view name: front, three-quarter, back, …'),
  kind: z.string(),
  width: z.number().nullable(),
  height: z.number().nullable(),
});
export type CutView = z.infer<typeof cutView>;

export const styleOption = z.object({
  id: z.string().describe('the option: lapel, lapelWidth, fastening, pockets, …'),
  labelKey: z.string().describe('i18n key of its label (option.<id>)'),
  values: z.array(z.object({ id: z.string(), labelKey: z.string().describe('option.<id>.<value>') })),
  default: z.string().describe("the cut's preset value"),
});
export type StyleOption = z.infer<typeof styleOption>;

export const cut = z.object({
  id: z.string().describe('the cut slug'),
  name: z.string(),
  legacyId: z.string().nullable(),
  views: z.array(cutView),
  options: z.array(styleOption).describe('style options of a drawn cut (empty for cuts with only photo views)'),
});
export type Cut = z.infer<typeof cut>;

export const catalogAnswer = z.object({ families: z.array(fabricFamily) });
export const cutsAnswer = z.object({ cuts: z.array(cut) });

export const swatchCardParams = z.object({ family: z.string().max(80), color: z.string().max(80) });
