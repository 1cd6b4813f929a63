/** Curvature along a drawn outline (an SVG path of M, L, C and Q commands), for tests of drafted shapes. */

export type P = [number, number];

/** The path's M, L, C and Q commands as a polyline, each curve sampled finely. */
export function polyline(d: string): P[] {
  const out: P[] = [];
  let at: P = [0, 0];
  for (const m of d.matchAll(/([MLCQZ])([^MLCQZ]*)/g)) {
    const nums = (m[2].match(/-?\d*\.?\d+(?:e-?\d+)?/g) ?? []).map(Number);
    const pts: P[] = [];
    for (let i = 0; i + 1 < nums.length; i += 2) pts.push([nums[i], nums[i + 1]]);
    if (m[1] === 'Z') break;
    if (m[1] === 'M') {
      at = pts[0];
      out.push(at);
    } else if (m[1] === 'L') {
      for (const p of pts) {
        at = p;
        out.push(p);
      }
    } else if (m[1] === 'C') {
      for (let k = 0; k + 2 < pts.length; k += 3) {
        const [c1, c2, e] = [pts[k], pts[k + 1], pts[k + 2]];
        const n = 64;
        for (let i = 1; i <= n; i++) {
          const t = i / n;
          const u = 1 - t;
          out.push([
            u * u * u * at[0] + 3 * u * u * t * c1[0] + 3 * u * t * t * c2[0] + t * t * t * e[0],
            u * u * u * at[1] + 3 * u * u * t * c1[1] + 3 * u * t * t * c2[1] + t * t * t * e[1],
          ]);
        }
        at = e;
      }
    } else if (m[1] === 'Q') {
      for (let k = 0; k + 1 < pts.length; k += 2) {
        const [c, e] = [pts[k], pts[k + 1]];
        const n = 64;
        for (let i = 1; i <= n; i++) {
          const t = i / n;
          const u = 1 - t;
          out.push([u * u * at[0] + 2 * u * t * c[0] + t * t * e[0], u * u * at[1] + 2 * u * t * c[1] + t * t * e[1]]);
        }
        at = e;
      }
    } else throw new Error(`unexpected ${m[1]}`);
  }
  return out;
}

/** Resampled at equal arc steps of `step` px. */
export function resample(line: P[], step: number): P[] {
  const out: P[] = [line[0]];
  let carry = 0;
  for (let i = 1; i < line.length; i++) {
    const [a, b] = [line[i - 1], line[i]];
    const len = Math.hypot(b[0] - a[0], b[1] - a[1]);
    let s = step - carry;
    while (s <= len) {
      out.push([a[0] + ((b[0] - a[0]) * s) / len, a[1] + ((b[1] - a[1]) * s) / len]);
      s += step;
    }
    carry = len - (s - step);
  }
  return out;
}

/** Largest change of curvature between successive `step`-px arcs over the crown, over the crown's largest curvature. */
export function crownCurvatureStep(path: string, step: number): { step: number; maxCurvature: number } {
  const pts = resample(polyline(path), step);
  const angle = (i: number) => Math.atan2(pts[i + 1][1] - pts[i][1], pts[i + 1][0] - pts[i][0]);
  // The crown: from the path's start (the armhole seam's top on the shoulder) to where the outline
  // has turned to run down the arm's outer edge (heading within 10° of straight down the image), and
  // 20 px on down the arm. (Not "the point farthest out": a sleeve that hangs a little away from the
  // body is widest at the elbow, not at its head.)
  let down = 1;
  while (down < pts.length - 2 && Math.abs(angle(down) - Math.PI / 2) > Math.PI / 18) down++;
  const end = Math.min(pts.length - 2, down + Math.round(20 / step));
  const k: number[] = [];
  for (let i = 1; i < end; i++) {
    let d = angle(i) - angle(i - 1);
    d -= Math.round(d / (2 * Math.PI)) * 2 * Math.PI;
    k.push(Math.abs(d) / step);
  }
  // Skip the first arcs: the path starts at the seam's corner.
  const inner = k.slice(2);
  const maxCurvature = Math.max(...inner);
  let jump = 0;
  for (let i = 1; i < inner.length; i++) jump = Math.max(jump, Math.abs(inner[i] - inner[i - 1]));
  return { step: jump / maxCurvature, maxCurvature };
}
