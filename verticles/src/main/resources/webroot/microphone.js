// The microphone as 20 ms frames of 16 kHz mono audio, from an AudioWorklet.

import { FRAME_SAMPLES, SAMPLE_RATE } from './encoders.js';

/** Why the microphone could not be opened: `reason` is 'denied', 'missing', 'busy', 'insecure' or 'failed'. */
export class MicrophoneError extends Error {
  constructor(reason, cause) {
    super(cause ? `${reason}: ${cause.message || cause}` : reason);
    this.reason = reason;
  }
}

export class Microphone {
  constructor(stream, context, node) {
    this.stream = stream;
    this.context = context;
    this.node = node;
    this.closed = false;
  }

  /** Opens the microphone; `onFrame(Float32Array)` gets each frame on the page's thread. */
  static async open(onFrame) {
    if (!window.isSecureContext || !navigator.mediaDevices?.getUserMedia) {
      throw new MicrophoneError('insecure');
    }
    let stream;
    try {
      stream = await navigator.mediaDevices.getUserMedia({
        audio: {
          channelCount: 1,
          // echo cancellation keeps the spoken translations out of the microphone; the recogniser prefers the
          // speaker's own level and noise to a processed signal
          echoCancellation: true,
          noiseSuppression: false,
          autoGainControl: false,
        },
      });
    } catch (e) {
      throw new MicrophoneError(reasonOf(e), e);
    }
    try {
      const { context, source } = openContext(stream);
      await context.audioWorklet.addModule(new URL('./capture-worklet.js', import.meta.url));
      const node = new AudioWorkletNode(context, 'parley-capture', {
        numberOfInputs: 1,
        numberOfOutputs: 1,
        outputChannelCount: [1],
        processorOptions: { targetRate: SAMPLE_RATE, frameSamples: FRAME_SAMPLES },
      });
      node.port.onmessage = (event) => onFrame(event.data);
      source.connect(node);
      // the node writes silence; its path to the destination keeps the graph rendering it
      node.connect(context.destination);
      await context.resume();
      return new Microphone(stream, context, node);
    } catch (e) {
      stream.getTracks().forEach((t) => t.stop());
      throw new MicrophoneError('failed', e);
    }
  }

  close() {
    if (this.closed) return;
    this.closed = true;
    this.node.port.onmessage = null;
    this.node.disconnect();
    this.stream.getTracks().forEach((t) => t.stop());
    this.context.close().catch(() => {});
  }
}

/** A context at 16 kHz; where the browser refuses that rate (for the context or the stream), its own rate. */
function openContext(stream) {
  let context;
  try {
    context = new AudioContext({ sampleRate: SAMPLE_RATE });
    return { context, source: context.createMediaStreamSource(stream) };
  } catch {
    if (context) context.close().catch(() => {});
    context = new AudioContext(); // the worklet resamples from this context's rate
    return { context, source: context.createMediaStreamSource(stream) };
  }
}

function reasonOf(error) {
  switch (error && error.name) {
    case 'NotAllowedError':
    case 'SecurityError':
      return 'denied';
    case 'NotFoundError':
    case 'OverconstrainedError':
      return 'missing';
    case 'NotReadableError':
    case 'AbortError':
      return 'busy';
    default:
      return 'failed';
  }
}
