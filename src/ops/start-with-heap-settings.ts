// Imported first by an entry point: see heap-settings.ts.
import { restartWithHeapSettings } from './heap-settings.ts';

restartWithHeapSettings();
