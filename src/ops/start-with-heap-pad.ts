// Imported first by an entry point: see heap-pad.ts.
import { restartWithHeapPad } from './heap-pad.ts';

restartWithHeapPad();
