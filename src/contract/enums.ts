/**
 * The API's closed vocabularies, as plain constants: the web app imports these values without
 * pulling Zod into its bundle; the schemas beside this file are built from them.
 */

export const SEASONS = ['all-season', 'spring-summer', 'autumn-winter'] as const;
export type Season = (typeof SEASONS)[number];

export const WEAVES = ['plain', 'twill', 'herringbone', 'hopsack', 'sharkskin', 'birdseye', 'flannel', 'satin'] as const;
export type Weave = (typeof WEAVES)[number];

export const PATTERNS = ['solid', 'pinstripe', 'chalkstripe', 'glencheck', 'houndstooth', 'windowpane'] as const;
export type Pattern = (typeof PATTERNS)[number];

export const RENDER_STATUSES = ['queued', 'running', 'succeeded', 'failed', 'canceled'] as const;
export type RenderStatus = (typeof RENDER_STATUSES)[number];
export const TERMINAL_STATUSES = ['succeeded', 'failed', 'canceled'] as const satisfies readonly RenderStatus[];
export const isTerminal = (status: RenderStatus) => (TERMINAL_STATUSES as readonly RenderStatus[]).includes(status);

/** 'hd' (2048×3072) is made only when asked for (`size: "hd"`). */
export const IMAGE_SIZES = ['hd', 'full', 'preview', 'thumb'] as const;
export type ImageSize = (typeof IMAGE_SIZES)[number];
export const IMAGE_FORMATS = ['jpeg', 'webp', 'avif'] as const;
export type ImageFormat = (typeof IMAGE_FORMATS)[number];

export const ROLES = ['admin', 'merchandiser', 'associate'] as const;
export type Role = (typeof ROLES)[number];

export const VIEW_KINDS = ['builtin', 'photo'] as const;

export const TRANSFER_FORMATS = ['atelier', 'fabrics', 'csv'] as const;
export const IMPORT_MODES = ['merge', 'sync'] as const;
