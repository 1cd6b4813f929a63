import { parentPort } from 'node:worker_threads';
import { drawSwatchCard, type CardSpec } from './swatch-cards.ts';

/** Draws swatch cards off the API's event loop (each is ~0.1 s of weave synthesis). */
const port = parentPort!;
port.on('message', ({ spec }: { spec: CardSpec }) => {
  try {
    const { rgb } = drawSwatchCard(spec);
    port.postMessage({ rgb }, [rgb.buffer as ArrayBuffer]);
  } catch (error) {
    port.postMessage({ error: (error as Error).message });
  }
});
