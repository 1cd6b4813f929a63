// Entry of the swatch card thread: threads do not inherit the tsx loader, so register it here.
import { register } from 'tsx/esm/api';

register();
await import('./swatch-card-thread.ts');
