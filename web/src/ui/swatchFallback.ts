/**
 * A swatch photo that cannot load (the server is unreachable) shows the colourway's plain colour
 * instead of a broken-image icon: the associate still sees which colour it is.
 */
export function plainColourImage(hex: string): string {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 8 8"><rect width="8" height="8" fill="${hex}"/></svg>`;
  return `data:image/svg+xml,${encodeURIComponent(svg)}`;
}

export function showPlainColour(img: HTMLImageElement, hex: string): void {
  if (img.src.startsWith('data:')) return;
  img.src = plainColourImage(/^#[0-9a-f]{6}$/i.test(hex) ? hex : '#888888');
}
