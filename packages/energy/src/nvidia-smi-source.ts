import { execa, type Result, type ResultPromise } from 'execa';
import type { DeviceChannel } from './device-channel';
import { LineSplitter } from './line-splitter';
import { numberOf, parseNvidiaSmiCsv, parseNvidiaSmiTimestamp, type NvidiaSmiTable } from './nvidia-smi-csv';
import { helpListsField, parseHelpQueryGpu } from './nvidia-smi-help';
import { findValues, parseNvidiaSmiQueryText } from './nvidia-smi-query-text';
import { liveTraceOptions, PowerTrace } from './power-trace';
import { processCpuSeconds } from './process-cpu-time';
import type { DriverContext, EnergySourceDriver, ProbeResult } from './source-driver';
import { TimestampAnchor } from './timestamp-anchor';
import { TraceChannel } from './trace-channel';

interface Gpu {
  index: number;
  name: string;
}

type StreamingProcess = ResultPromise<{ buffer: false; reject: false; stdin: 'ignore'; cleanup: true }>;

const PROBE_TIMEOUT_MS = 15_000;

/**
 * GPU power from ONE long-running `nvidia-smi --query-gpu=timestamp,index,<power> -lms <ms>`
 * process (one process per sample would cost more than it measures). Rows are placed on the
 * meter's clock by their own timestamps and integrated by trapezoid per GPU. `power.draw.instant`
 * is preferred where the driver has it: `power.draw` is a 1 s average on Ampere and newer.
 * If the process dies it is restarted once; if it dies again the source fails and the meter
 * moves on.
 */
export class NvidiaSmiSource implements EnergySourceDriver {
  readonly name = 'nvidia-smi';
  readonly group = 'gpu';
  readonly measured = true;
  private gpus: Gpu[] = [];
  private powerFields: string[] = ['power.draw'];
  private readonly traces = new Map<number, PowerTrace>();
  private readonly anchor = new TimestampAnchor();
  private child: StreamingProcess | null = null;
  private restarts = 0;
  private stopping = false;
  private lastRowSeconds = 0;
  private finishedHelpersCpuSeconds = 0;
  private currentHelperCpuSeconds = 0;
  private ticks = 0;
  private readonly gpusWithoutPower = new Set<number>();
  private context: DriverContext | null = null;

  constructor(
    private readonly executable: string,
    private readonly sampleIntervalMs: number,
  ) {}

  async probe(): Promise<ProbeResult> {
    const help = await this.runOnce(['--help-query-gpu']);
    if (help.failed && isNotFound(help)) {
      return { available: false, devices: [], detail: `${this.executable} not found: no NVIDIA driver tools on PATH (install the NVIDIA driver, or set nvidiaSmiPath)` };
    }
    const hasInstant = !help.failed && helpListsField(parseHelpQueryGpu(String(help.stdout)), 'power.draw.instant');
    this.powerFields = hasInstant ? ['power.draw.instant', 'power.draw'] : ['power.draw'];
    let query = await this.runOnce([`--query-gpu=index,name,${this.powerFields.join(',')}`, '--format=csv,noheader,nounits']);
    if (query.failed && hasInstant) {
      this.powerFields = ['power.draw'];
      query = await this.runOnce(['--query-gpu=index,name,power.draw', '--format=csv,noheader,nounits']);
    }
    if (query.failed) {
      return { available: false, devices: [], detail: `nvidia-smi could not list the GPUs: ${failureText(query)}` };
    }
    const table = parseNvidiaSmiCsv(String(query.stdout), ['index', 'name', ...this.powerFields]);
    const gpus: Gpu[] = [];
    const missing: string[] = [];
    for (const row of table.rows) {
      const index = numberOf(table, row, 'index');
      if (index === null) continue;
      if (this.powerOf(table, row) === null) {
        missing.push(`gpu${index} reads ${this.powerFields.map((f) => `${f} ${row[table.columns.findIndex((c) => c.field === f)].raw}`).join(', ')}`);
        continue;
      }
      gpus.push({ index, name: String(row[1].kind === 'text' ? row[1].value : row[1].raw) });
    }
    if (gpus.length === 0) {
      const why = missing.length > 0 ? missing.join('; ') : 'it listed no GPU';
      return { available: false, devices: [], detail: `nvidia-smi gives no power reading: ${why}${await this.explainPower()}` };
    }
    this.gpus = gpus;
    const field = this.powerFields[0] === 'power.draw.instant' ? 'power.draw.instant' : 'power.draw (a 1 s average on Ampere and newer; this driver has no power.draw.instant)';
    return {
      available: true,
      devices: gpus.map((g) => `gpu${g.index}`),
      detail:
        `${gpus.length} GPU${gpus.length === 1 ? '' : 's'} (${summariseNames(gpus)}): ${field} every ${this.sampleIntervalMs} ms ` +
        `from one nvidia-smi process, integrated by trapezoid` +
        (missing.length > 0 ? `; left out: ${missing.join('; ')}` : ''),
    };
  }

  async start(context: DriverContext): Promise<DeviceChannel[]> {
    if (this.gpus.length === 0) {
      const probe = await this.probe();
      if (!probe.available) throw new Error(probe.detail);
    }
    this.context = context;
    const now = context.now();
    const channels = this.gpus.map((gpu) => {
      const trace = new PowerTrace(liveTraceOptions(this.sampleIntervalMs));
      this.traces.set(gpu.index, trace);
      return new TraceChannel(`gpu${gpu.index}`, this.name, true, trace, now);
    });
    await new Promise<void>((resolve, reject) => {
      const limitMs = Math.max(5_000, 30 * this.sampleIntervalMs);
      const timer = setTimeout(() => {
        context.warn(`no power rows within ${limitMs / 1000} s of starting; carrying on`);
        resolve();
      }, limitMs);
      this.spawn(context, {
        onFirstRows: () => {
          clearTimeout(timer);
          resolve();
        },
        onGiveUp: (reason) => {
          clearTimeout(timer);
          reject(new Error(reason));
        },
      });
    });
    return channels;
  }

  tick(nowSeconds: number): void {
    const child = this.child;
    if (!child || this.stopping) return;
    if (++this.ticks % Math.max(1, Math.round(1000 / this.sampleIntervalMs)) === 0 && child.pid !== undefined) {
      this.currentHelperCpuSeconds = processCpuSeconds(child.pid) ?? this.currentHelperCpuSeconds;
    }
    const staleSeconds = Math.max(10, (50 * this.sampleIntervalMs) / 1000);
    if (this.lastRowSeconds > 0 && nowSeconds - this.lastRowSeconds > staleSeconds) {
      this.context?.warn(`the sampling process has sent no row for ${(nowSeconds - this.lastRowSeconds).toFixed(0)} s; stopping it`);
      this.lastRowSeconds = nowSeconds; // once per stall
      child.kill('SIGKILL'); // handled as a death: restarted once, then the source fails
    }
  }

  helperCpuSeconds(): number {
    return this.finishedHelpersCpuSeconds + this.currentHelperCpuSeconds;
  }

  async stop(): Promise<void> {
    this.stopping = true;
    const child = this.child;
    this.child = null;
    if (!child) return;
    if (child.pid !== undefined) this.currentHelperCpuSeconds = processCpuSeconds(child.pid) ?? this.currentHelperCpuSeconds;
    child.kill('SIGTERM');
    await child;
  }

  /** Starts the streaming process and wires its output; `events` learn of the first rows and of giving up. */
  private spawn(context: DriverContext, events: { onFirstRows: () => void; onGiveUp: (reason: string) => void }): void {
    const fields = ['timestamp', 'index', ...this.powerFields];
    const child: StreamingProcess = execa(
      this.executable,
      [`--query-gpu=${fields.join(',')}`, '--format=csv,noheader,nounits', '-lms', String(this.sampleIntervalMs)],
      { buffer: false, reject: false, stdin: 'ignore', cleanup: true, forceKillAfterDelay: 2000 },
    );
    this.child = child;
    // The meter must never keep the process alive on its own.
    child.unref();
    for (const stream of [child.stdout, child.stderr]) (stream as unknown as { unref?: () => void }).unref?.();
    const lines = new LineSplitter();
    let stderrTail = '';
    let waitingForFirstRows = true;
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) =>
      context.overhead.time(() => {
        const arrival = context.now();
        for (const line of lines.push(chunk)) this.handleRow(line, fields, arrival, context);
        if (waitingForFirstRows && [...this.traces.values()].every((t) => t.sampleCount > 0)) {
          waitingForFirstRows = false;
          events.onFirstRows();
        }
      }),
    );
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      stderrTail = (stderrTail + chunk).slice(-400);
    });
    void child.then((result) => this.afterExit(child, result, stderrTail, waitingForFirstRows, context, events));
  }

  /** The streaming process ended: restart it once, then give up (failing the source, or its start). */
  private afterExit(
    child: StreamingProcess,
    result: Result,
    stderrTail: string,
    waitingForFirstRows: boolean,
    context: DriverContext,
    events: { onFirstRows: () => void; onGiveUp: (reason: string) => void },
  ): void {
    try {
      if (this.child !== child) return;
      this.child = null;
      this.finishedHelpersCpuSeconds += this.currentHelperCpuSeconds;
      this.currentHelperCpuSeconds = 0;
      if (this.stopping) return;
      const reason = `${exitText(result)}${stderrTail.trim() ? `: ${stderrTail.trim().split('\n').slice(-1)[0]}` : ''}`;
      if (this.restarts === 0) {
        this.restarts++;
        context.warn(`the sampling process stopped (${reason}); restarting it once`);
        this.spawn(context, waitingForFirstRows ? events : { onFirstRows: () => undefined, onGiveUp: () => undefined });
        return;
      }
      const message = `the sampling process stopped again (${reason}) after one restart`;
      if (waitingForFirstRows) events.onGiveUp(message);
      else context.fail(message);
    } catch (error) {
      context.fail(`could not restart nvidia-smi: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  private handleRow(line: string, fields: string[], arrivalSeconds: number, context: DriverContext): void {
    const table = parseNvidiaSmiCsv(line, fields);
    const row = table.rows[0];
    if (!row) return;
    const index = numberOf(table, row, 'index');
    const trace = index === null ? undefined : this.traces.get(index);
    if (index === null || !trace) return;
    this.lastRowSeconds = arrivalSeconds;
    const watts = this.powerOf(table, row);
    if (watts === null) {
      if (!this.gpusWithoutPower.has(index)) {
        this.gpusWithoutPower.add(index);
        context.warn(`gpu${index} sent a row without power (${line.trim()}); such rows are skipped`);
      }
      return;
    }
    const timestampMs = parseNvidiaSmiTimestamp(row[0].raw);
    trace.add(timestampMs === null ? arrivalSeconds : this.anchor.map(timestampMs, arrivalSeconds), watts);
  }

  /** Instant power where the row has it, else the 1 s average. */
  private powerOf(table: NvidiaSmiTable, row: NvidiaSmiTable['rows'][number]): number | null {
    for (const field of this.powerFields) {
      const watts = numberOf(table, row, field);
      if (watts !== null) return watts;
    }
    return null;
  }

  /** `nvidia-smi -q -d POWER`'s own words about power, to explain a missing reading. */
  private async explainPower(): Promise<string> {
    const result = await this.runOnce(['-q', '-d', 'POWER']);
    if (result.failed) return '';
    const parsed = parseNvidiaSmiQueryText(String(result.stdout));
    const said = ['Power Draw', 'Instantaneous Power Draw', 'Average Power Draw']
      .flatMap((label) => findValues(parsed, label))
      .slice(0, 4)
      .map(({ path, value }) => `${path.slice(-2).join(' > ')}: ${value.raw}`);
    return said.length > 0 ? `; nvidia-smi -q -d POWER says ${said.join(', ')}` : '';
  }

  private runOnce(args: string[]): Promise<Result<{ reject: false; timeout: number; stdin: 'ignore' }>> {
    return execa(this.executable, args, { reject: false, timeout: PROBE_TIMEOUT_MS, stdin: 'ignore' });
  }
}

function isNotFound(result: Result): boolean {
  return (result as { code?: string }).code === 'ENOENT';
}

function exitText(result: Result): string {
  if (result.signal) return `killed by ${result.signal}`;
  if ((result as { code?: string }).code) return (result as { code?: string }).code ?? 'failed';
  return `exit code ${result.exitCode}`;
}

function failureText(result: Result): string {
  const output = `${String(result.stderr ?? '')}\n${String(result.stdout ?? '')}`.trim().split('\n')[0];
  return output ? `${output} (${exitText(result)})` : exitText(result);
}

function summariseNames(gpus: Gpu[]): string {
  const counts = new Map<string, number>();
  for (const gpu of gpus) counts.set(gpu.name, (counts.get(gpu.name) ?? 0) + 1);
  return [...counts].map(([name, n]) => (n > 1 ? `${n} x ${name}` : name)).join(', ');
}
