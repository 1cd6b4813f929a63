/**
 * What the render service tells its threads' background work (drafting ahead, warm-up) through
 * shared memory, slot by slot of ThreadOptions.control: `busy`, how many renders and other tasks
 * asked for are out in the pool; `waiting`, 1 when one of them waits for a thread background work holds.
 */
export const ThreadControl = { busy: 0, waiting: 1 } as const;

/**
 * Whether a template id names a drawn view (a shipped cut's drafting, or one drafted ahead): ids that
 * name content, whose shared memory a render task carries only until each thread has it.
 */
export const isDrawnViewId = (id: string) => id.startsWith('drawn:') || id.startsWith('ahead:');

/** Background work dropped because a render needs its thread. */
export const YIELDED = 'yielded to a render';
