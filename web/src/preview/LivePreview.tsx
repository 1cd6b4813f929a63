import { memo, useImperativeHandle, type Ref } from 'react';
import type { Render } from '../api/types.ts';
import type { RenderCaption } from '../render/describe.ts';
import { PreviewFigure } from './PreviewFigure.tsx';
import { usePreview, type PreviewSelection } from './usePreview.ts';

/** What a parent may ask of the live preview from its own event handlers. */
export interface PreviewControls {
  /** Sends the order of a selection about to be made (see usePreview's preorder). */
  preorder(next: PreviewSelection): void;
}

/**
 * The live preview with its own state: a preview's arrival re-renders this figure alone, not the
 * stylist page around it (on a tablet that re-render cost more than painting the new image).
 */
export const LivePreview = memo(function LivePreview({
  selection,
  neighbours,
  controls,
  caption,
  placeholder,
  onOpen,
  altFor,
}: {
  selection?: PreviewSelection;
  neighbours: PreviewSelection[];
  controls?: Ref<PreviewControls>;
  caption?: RenderCaption;
  placeholder?: React.ReactNode;
  onOpen(render: Render): void;
  altFor(render: Render): string;
}) {
  const preview = usePreview(selection, undefined, neighbours);
  useImperativeHandle(controls, () => ({ preorder: preview.preorder }), [preview.preorder]);
  return <PreviewFigure preview={preview} caption={caption} placeholder={placeholder} onRetry={preview.retry} onOpen={onOpen} altFor={altFor} />;
});
