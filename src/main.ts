// The command line's entry point (see cli.ts). The heap settings come first: a process started
// without them replaces itself before the rest of the program loads (ops/heap-settings.ts).
import './ops/start-with-heap-settings.ts';

await import('./cli.ts');
