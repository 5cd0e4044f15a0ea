/**
 * Start-up of the `@jax-js/jax` runtime (Zhang, jax-js 2025): the wasm device in Node (`init("cpu", "wasm")`;
 * a plain `init()` fails in Node 20) and WebGPU in a browser that has it (wasm in a browser without it). Every
 * entry point of `src/nn` awaits {@link ensureRuntime} once; afterwards arrays live on the chosen device.
 */
import { defaultDevice, init, type Device } from "@jax-js/jax";

let started: Promise<Device> | undefined;

/**
 * jax-js checks `data instanceof Float16Array` when it wraps a typed array, and Node 20 has no `Float16Array`, so
 * every float64 array would throw a ReferenceError. Where it is missing we define a stand-in class whose
 * constructor throws (sbkit never uses float16), which makes those `instanceof` checks simply false.
 */
function shimFloat16Array(): void {
  const g = globalThis as { Float16Array?: unknown };
  if (g.Float16Array !== undefined) return;
  g.Float16Array = class Float16ArrayUnavailable {
    constructor() {
      throw new Error("Float16Array is not available in this JavaScript runtime (sbkit does not use float16)");
    }
  };
}
shimFloat16Array();

/** True in a browser (a `window`) whose `navigator` offers WebGPU (`navigator.gpu`). */
function browserWithWebGpu(): boolean {
  return typeof (globalThis as { window?: unknown }).window !== "undefined" && typeof (globalThis as { navigator?: { gpu?: unknown } }).navigator?.gpu !== "undefined";
}

async function start(preferGpu: boolean): Promise<Device> {
  if (preferGpu && browserWithWebGpu()) {
    // `navigator.gpu` can exist with no usable adapter (blocked GPU, headless, --disable-gpu): jax-js then leaves
    // "webgpu" out of the initialized devices, or requestAdapter rejects. Either way the page trains on wasm, and
    // the device returned says so (the playground shows it).
    const devices = await init("webgpu", "wasm").catch(() => init("wasm"));
    if (devices.includes("webgpu")) return defaultDevice("webgpu");
  }
  await init("cpu", "wasm");
  return defaultDevice("wasm");
}

/**
 * Initializes jax-js once (later calls return the same promise) and returns the device in use: `"webgpu"` in a
 * browser with WebGPU (unless `preferGpu` is false), otherwise `"wasm"`.
 */
export function ensureRuntime(preferGpu = true): Promise<Device> {
  started ??= start(preferGpu);
  return started;
}
