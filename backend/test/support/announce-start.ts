// Preloaded into worker processes (`--require`): tells the test over fd 3 that node is about to run
// main.js, whose first statements put in its signal handlers.
import { closeSync, writeSync } from 'node:fs';

writeSync(3, 'main\n');
closeSync(3);
