/** The studio's tool icons, drawn like the app's own (web/src/ui/icons.tsx): line art, decorative. */
const paths = {
  brush: 'M14.5 4.5l5 5L11 18l-5-5zM6 13c-2 0-3 1.5-3 3.5S2 20 2 20s3.5 0 5-1 1.5-3 1-4',
  eraser: 'M8 20h12M4.5 14.5l9-9a2 2 0 012.8 0l2.2 2.2a2 2 0 010 2.8L11 18H8zM9 10l5 5',
  wand: 'M4 20L15 9M13 5V2M19 11h3M17.5 6.5L20 4M11 7l-2-2M17 13l2 2',
  hand: 'M8 13V6a1.5 1.5 0 013 0v5V4.5a1.5 1.5 0 013 0V11V6a1.5 1.5 0 013 0v8c0 4-2.5 7-6.5 7-3 0-4.5-1.5-6-4l-2-3.5a1.5 1.5 0 012.5-1.5z',
  undo: 'M9 14L4 9l5-5M4 9h10a6 6 0 010 12h-3',
  redo: 'M15 14l5-5-5-5M20 9H10a6 6 0 000 12h3',
  invert: 'M12 3a9 9 0 100 18zM12 3a9 9 0 010 18',
  clear: 'M4 4h16v16H4zM8 8l8 8M16 8l-8 8',
  fit: 'M4 9V4h5M20 9V4h-5M4 15v5h5M20 15v5h-5',
  ruler: 'M3 16L16 3l5 5L8 21zM7 12l2 2M10 9l2 2M13 6l2 2',
  sparkle: 'M12 3l1.8 5.2L19 10l-5.2 1.8L12 17l-1.8-5.2L5 10l5.2-1.8zM19 16l.8 2.2L22 19l-2.2.8L19 22l-.8-2.2L16 19l2.2-.8z',
  lock: 'M6 11h12v10H6zM8.5 11V8a3.5 3.5 0 017 0v3',
  garment: 'M8 3l4 3 4-3 4 3-2 5-2-1v11H8V10l-2 1-2-5z',
} as const;

export type StudioIconName = keyof typeof paths;

export function StudioIcon({ name, size = 20 }: { name: StudioIconName; size?: number }) {
  return (
    <svg width={size} height={size} viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="1.6" strokeLinecap="round" strokeLinejoin="round" aria-hidden="true" focusable="false">
      <path d={paths[name]} />
    </svg>
  );
}
