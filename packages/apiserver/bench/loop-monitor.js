// Preloaded into the benchmarked server (node --require): samples the event loop's delay and, on
// SIGUSR2, writes the longest delay since the last signal to $PWK_BENCH_LOOP_FILE and starts over.
// A delay is how long a timer waited past its due time: the longest synchronous block.
'use strict';
const { writeFileSync } = require('node:fs');
const { monitorEventLoopDelay } = require('node:perf_hooks');

const file = process.env.PWK_BENCH_LOOP_FILE;
const histogram = monitorEventLoopDelay({ resolution: 5 });
histogram.enable();
process.on('SIGUSR2', () => {
  writeFileSync(file, JSON.stringify({ maxMs: histogram.max / 1e6, p99Ms: histogram.percentile(99) / 1e6 }));
  histogram.reset();
});
