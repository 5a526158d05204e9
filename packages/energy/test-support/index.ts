// Stand-ins for NVIDIA's tools, for tests in any package: a fake nvidia-smi to put on PATH and a
// fake libnvidia-ml.so.1 built from C.
export { installFakeNvidiaSmi } from './fake-nvidia-smi';
export { buildFakeNvml, whyNoCompiler, type FakeNvml } from './fake-nvml';
