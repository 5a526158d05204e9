/**
 * The protocol's systems figures, each measured side by side with its baseline in one process,
 * and the machine they were measured on.
 */
export interface SystemsFigures {
  /** Steps per second of the engine with `uniform` against a plain TensorFlow.js loop, same model and batches. */
  engineOverhead: {
    steps: number;
    repeats: number;
    plainStepsPerSecond: number;
    engineStepsPerSecond: number;
    /** Engine time over plain time, minus 1 (median over the repeats). */
    overheadFraction: number;
    /** Both loops end on the same loss when they trained on the same batches. */
    plainLastLoss: number;
    engineLastLoss: number;
  } | null;
  /** Median milliseconds of one JEST selection (sample mode, n = 16) at N = 1,280, b = 256 and larger. */
  jestSelection: { superBatchSize: number; batchSize: number; selectMilliseconds: number; withScoreMatrixMilliseconds: number }[] | null;
  /**
   * Median wall milliseconds of each part of one step at N = 640, b = 128, timed one part at a time
   * (tools/bench/step-profile.ts). Absent from results written before it was measured.
   */
  stepProfile?: { superBatchSize: number; batchSize: number; repeats: number; referenceDim: number; milliseconds: Record<string, number> } | null;
  /**
   * Sieve's training step and scoring pass against the same model in PyTorch on one thread
   * (tools/bench/peer-bench.ts, ms wall and CPU, medians over rounds), or why it was not measured:
   * it needs python3 with torch, which the bench does not install. Absent from older results.
   */
  peer?: PeerFigures | { unavailable: string } | null;
  /** The meter's CPU time against each run process's, over the bench's runs. */
  meterCpuShare: { mean: number; max: number; runs: number } | null;
  /** Live tensors and JavaScript heap at the points nearest steps 100 and 1,000, per selector (first seed). */
  memory: { selector: string; step: number; tensorCount: number; heapUsedBytes: number }[];
}

/** Milliseconds of wall time and of CPU time (every thread of the process). */
export interface PeerTiming {
  wallMs: number;
  cpuMs: number;
}

export interface PeerFigures {
  torch: string;
  rounds: number;
  sieve: { trainingStep: PeerTiming; scoringPass: PeerTiming };
  pytorch: { trainingStep: PeerTiming; scoringPass: PeerTiming };
}

export interface MachineDescription {
  cpu: string;
  cores: number;
  memoryGiB: number;
  node: string;
  platform: string;
  backends: string[];
  energyKinds: string[];
}

/** The systems figures as label/value rows, for the HTML and Markdown reports alike. */
export function systemsRows(figures: SystemsFigures): [label: string, value: string][] {
  const rows: [string, string][] = [];
  const e = figures.engineOverhead;
  if (e) {
    rows.push([
      'engine overhead (uniform vs plain TensorFlow.js loop)',
      `${(e.overheadFraction * 100).toFixed(1)}% more time: ${e.engineStepsPerSecond.toFixed(1)} vs ${e.plainStepsPerSecond.toFixed(1)} steps/s ` +
        `(median of ${e.repeats} alternating repeats of ${e.steps} steps; last loss ${e.engineLastLoss.toFixed(5)} vs ${e.plainLastLoss.toFixed(5)})`,
    ]);
  }
  for (const size of figures.jestSelection ?? []) {
    rows.push([
      `one JEST selection, N = ${size.superBatchSize}, b = ${size.batchSize}, n = 16`,
      `${size.selectMilliseconds.toFixed(2)} ms (${size.withScoreMatrixMilliseconds.toFixed(2)} ms with building the score matrix)`,
    ]);
  }
  const profile = figures.stepProfile;
  if (profile) {
    for (const [part, milliseconds] of Object.entries(profile.milliseconds)) {
      rows.push([`step profile, ${part} (N = ${profile.superBatchSize}, b = ${profile.batchSize})`, `${milliseconds.toFixed(2)} ms (median of ${profile.repeats})`]);
    }
  }
  const peer = figures.peer;
  if (peer && 'unavailable' in peer) rows.push(['against PyTorch (1 thread)', `not measured: ${peer.unavailable}`]);
  else if (peer) {
    for (const part of ['trainingStep', 'scoringPass'] as const) {
      const [ours, theirs] = [peer.sieve[part], peer.pytorch[part]];
      rows.push([
        `${part === 'trainingStep' ? 'training step' : 'scoring pass'} against PyTorch ${peer.torch} (1 thread)`,
        `${ours.wallMs.toFixed(2)} ms wall, ${ours.cpuMs.toFixed(2)} ms CPU against ${theirs.wallMs.toFixed(2)} and ${theirs.cpuMs.toFixed(2)} ms: ` +
          `${(ours.wallMs / theirs.wallMs).toFixed(2)}x wall, ${(ours.cpuMs / theirs.cpuMs).toFixed(2)}x CPU (median of ${peer.rounds} rounds)`,
      ]);
    }
  }
  const m = figures.meterCpuShare;
  if (m) rows.push(['energy meter CPU share', `${(m.mean * 100).toFixed(2)}% mean, ${(m.max * 100).toFixed(2)}% max over ${m.runs} runs`]);
  for (const entry of figures.memory) {
    rows.push([`tensors and heap, ${entry.selector} at step ${entry.step}`, `${entry.tensorCount} tensors, ${(entry.heapUsedBytes / 2 ** 20).toFixed(0)} MiB heap`]);
  }
  return rows;
}

export function machineLine(machine: MachineDescription): string {
  return (
    `${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB.toFixed(0)} GiB, Node ${machine.node} on ${machine.platform}; ` +
    `backend ${machine.backends.join(', ')}; energy ${machine.energyKinds.join(', ') || 'not metered'}`
  );
}
