// Element Timing (https://wicg.github.io/element-timing/): Chromium reports when an image marked with
// `elementtiming` is first on screen. React passes the attribute through; its types do not know it yet.
import 'react';

declare module 'react' {
  interface ImgHTMLAttributes<T> {
    elementtiming?: string;
  }
}
