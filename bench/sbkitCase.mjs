// One sbkit trial of the Sinkhorn benchmark, run in its own process (from the built dist/) so that
// process.resourceUsage().maxRSS is this trial's peak memory, worker threads included.
// usage: node bench/sbkitCase.mjs SOURCE.npy TARGET.npy EPSILON TOLERANCE [THREADS|-] [DENSE_MEMORY_MB|-] [BACKEND]
// (the benchmark passes only the first four: sbkit's defaults, i.e. what a user gets).
// SBKIT_ENTRY=ot imports the OT-only entry `sbkit/ot` (dist/ot/index.js) instead of the root entry: same solver,
// ≈ 15 MB less module code in the process (see BENCHMARKS.md, memory at n = 20000).
const entry = process.env.SBKIT_ENTRY === "ot" ? "../dist/ot/index.js" : "../dist/index.js";
const { otProblem, readNpy2D, sinkhornAsync } = await import(entry);

const [src, tgt, eps, tol, threads, denseMB, backend] = process.argv.slice(2);
const x = readNpy2D(src);
const y = readNpy2D(tgt);
const t0 = performance.now();
const res = await sinkhornAsync(otProblem(x, y, { epsilon: Number(eps) }), {
  tolerance: Number(tol),
  threads: threads === undefined || threads === "-" ? undefined : Number(threads),
  denseMemoryMB: denseMB === undefined || denseMB === "-" ? undefined : Number(denseMB),
  backend,
});
const seconds = (performance.now() - t0) / 1000;
console.log(JSON.stringify({
  seconds, cost: res.cost, marginalError: res.marginalError, converged: res.converged, iterations: res.iterations,
  stages: res.epsilonStages.length, backend: res.backend.kind, precision: res.backend.kernelPrecision, builds: res.backend.kernelBuilds, fallbacks: res.backend.fallbackRows, peakMB: process.resourceUsage().maxRSS / 1024,
}));
