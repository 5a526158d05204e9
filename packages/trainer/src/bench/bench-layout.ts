import { join } from 'node:path';

/**
 * The files of one benchmark folder: ordinary run folders under `runs/`, what each reference
 * model cost under `references/`, and the report files at the top.
 */
export function benchLayout(dir: string) {
  return {
    dir,
    /** The bench's settings, so that a rerun carries on with the same ones. */
    settings: join(dir, 'bench.json'),
    runs: join(dir, 'runs'),
    run: (name: string) => join(dir, 'runs', name),
    /** Where a run trains until it completes; then it is renamed to `run(name)`. */
    partialRun: (name: string) => join(dir, 'runs', `${name}.partial`),
    /** The jobs in order: what an engine runs by index. */
    manifest: join(dir, 'manifest.json'),
    /** What the Slurm engine submitted: its batch scripts and job ids. */
    slurm: join(dir, 'slurm'),
    /** Each job's input settings, as a config file. */
    plan: (name: string) => join(dir, 'plan', `${name}.json`),
    log: (name: string) => join(dir, 'logs', `${name}.log`),
    referenceRecord: (seed: number) => join(dir, 'references', `seed${seed}.json`),
    /** The reference models this bench trained, reused by its runs. */
    referenceCache: join(dir, 'reference-cache'),
    systems: join(dir, 'systems.json'),
    results: join(dir, 'results.json'),
    reportMarkdown: join(dir, 'report.md'),
    reportHtml: join(dir, 'report.html'),
    charts: join(dir, 'charts'),
  };
}

export type BenchLayout = ReturnType<typeof benchLayout>;

/** `<selector>-seed<k>`: the name of a run in the bench and of its folder. */
export function runName(selector: string, seed: number): string {
  return `${selector}-seed${seed}`;
}

export function referenceJobName(seed: number): string {
  return `reference-seed${seed}`;
}
