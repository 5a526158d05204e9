/** The training thread: runs one session and tells the supervisor everything it does. */
import { parentPort, workerData } from 'node:worker_threads';
import { RunEvents } from '@sieve/core';
import { trainInProcess } from '../train-session';
import { serializeError, type FromWorker, type ToWorker, type WorkerInput } from './worker-messages';

const port = parentPort!;
const post = (message: FromWorker) => port.postMessage(message);
const { config, overwrite, resume } = workerData as WorkerInput;
const control = { stopRequested: false };
port.on('message', (message: ToWorker) => {
  if (message.kind === 'stop') control.stopRequested = true;
});
const events = new RunEvents();
events.subscribe((event) => post({ kind: 'event', event }));

try {
  const summary = await trainInProcess(config, {
    overwrite,
    resume,
    write: (text) => post({ kind: 'line', text }),
    events,
    control,
    onActivity: (activity) => post({ kind: 'activity', activity }),
  });
  post({ kind: 'done', summary });
} catch (error) {
  post({ kind: 'error', error: serializeError(error) });
}
