// Runs on the audio thread: turns the microphone into mono frames of `frameSamples` at `targetRate` and posts each
// frame (a Float32Array) to the page. When the context does not run at the target rate, it resamples here.

class CaptureProcessor extends AudioWorkletProcessor {
  constructor(options) {
    super();
    const { targetRate, frameSamples } = options.processorOptions;
    this.frameSamples = frameSamples;
    this.frame = new Float32Array(frameSamples);
    this.filled = 0;
    this.ratio = sampleRate / targetRate; // input samples per output sample
    // downsampling: each output sample is the mean of the input samples in its span (a box filter against aliasing)
    this.sum = 0;
    this.count = 0;
    this.consumed = 0;
    this.boundary = this.ratio;
    // upsampling: linear interpolation between the last two input samples
    this.previous = 0;
    this.phase = 0;
  }

  process(inputs) {
    const input = inputs[0];
    if (!input || input.length === 0) return true;
    const length = input[0].length;
    for (let i = 0; i < length; i++) {
      let sample = 0;
      for (let c = 0; c < input.length; c++) sample += input[c][i];
      this.take(sample / input.length);
    }
    return true;
  }

  take(sample) {
    if (this.ratio === 1) {
      this.emit(sample);
    } else if (this.ratio > 1) {
      this.sum += sample;
      this.count++;
      this.consumed++;
      if (this.consumed >= this.boundary) {
        this.emit(this.sum / this.count);
        this.sum = 0;
        this.count = 0;
        this.boundary += this.ratio;
      }
    } else {
      while (this.phase < 1) {
        this.emit(this.previous + (sample - this.previous) * this.phase);
        this.phase += this.ratio;
      }
      this.phase -= 1;
      this.previous = sample;
    }
  }

  emit(sample) {
    this.frame[this.filled++] = sample;
    if (this.filled === this.frameSamples) {
      this.port.postMessage(this.frame, [this.frame.buffer]);
      this.frame = new Float32Array(this.frameSamples);
      this.filled = 0;
    }
  }
}

registerProcessor('parley-capture', CaptureProcessor);
