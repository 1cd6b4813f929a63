import type { Task } from 'graphile-worker';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { addJob } from './repository.ts';
import { RENDER_TASK, type RenderJobPayload } from './tasks.ts';

describe("the queue's task map", () => {
  it('types a render job for handlers and for addJob, so a wrong payload does not compile', () => {
    const handler: Task<'render'> = (payload) => {
      expectTypeOf(payload).toEqualTypeOf<RenderJobPayload>();
    };
    const enqueueWrong = () =>
      // @ts-expect-error a render job carries `renderId`, not `renderID` (caught by `npm run typecheck`)
      addJob(undefined as never, RENDER_TASK, { renderID: 'x', requestId: 'y' }, { maxAttempts: 1 });
    expect(RENDER_TASK).toBe('render');
    expect(typeof handler).toBe('function');
    expect(typeof enqueueWrong).toBe('function');
  });
});
