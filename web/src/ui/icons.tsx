/** A few line icons, drawn inline so nothing is downloaded; decorative (the buttons carry labels). */
const paths = {
  close: 'M6 6l12 12M18 6L6 18',
  prev: 'M15 5l-7 7 7 7',
  next: 'M9 5l7 7-7 7',
  plus: 'M12 5v14M5 12h14',
  minus: 'M5 12h14',
  download: 'M12 4v11m0 0l-4.5-4.5M12 15l4.5-4.5M5 19h14',
  camera: 'M4 8h3l2-3h6l2 3h3v11H4zM12 17a4 4 0 100-8 4 4 0 000 8z',
  image: 'M4 5h16v14H4zM4 16l5-5 4 4 3-3 4 4M15.5 9.5a1.5 1.5 0 100-.01',
  check: 'M5 12.5l4.5 4.5L19 7.5',
  compare: 'M4 5h7v14H4zM13 5h7v14h-7z',
  reset: 'M4 12a8 8 0 108-8H7m0 0l3-3M7 4l3 3',
  search: 'M11 18a7 7 0 100-14 7 7 0 000 14zM16.5 16.5L21 21',
  link: 'M10 14a4 4 0 005.66 0l3-3a4 4 0 00-5.66-5.66l-1 1M14 10a4 4 0 00-5.66 0l-3 3a4 4 0 005.66 5.66l1-1',
  filter: 'M4 6h16M7 12h10M10 18h4',
  trash: 'M5 7h14M10 11v6M14 11v6M7 7l1 13h8l1-13M9 7V4h6v3',
  // The studio's mask tools.
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

export type IconName = keyof typeof paths;

export function Icon({ name, size = 20 }: { name: IconName; size?: number }) {
  return (
    <svg
      width={size}
      height={size}
      viewBox="0 0 24 24"
      fill="none"
      stroke="currentColor"
      strokeWidth="1.6"
      strokeLinecap="round"
      strokeLinejoin="round"
      aria-hidden="true"
      focusable="false"
    >
      <path d={paths[name]} />
    </svg>
  );
}
