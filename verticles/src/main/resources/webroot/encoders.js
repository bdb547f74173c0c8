// Turns an utterance's 20 ms frames (16 kHz mono Float32) into audio chunks of about 200 ms in the negotiated format:
// Opus through WebCodecs where the browser has it, PCM16 otherwise.

import { lengthPrefixed } from './frames.js';

export const SAMPLE_RATE = 16000;
export const FRAME_SAMPLES = 320; // 20 ms
const FRAMES_PER_CHUNK = 10; // 200 ms

const OPUS_CONFIG = {
  codec: 'opus',
  sampleRate: SAMPLE_RATE,
  numberOfChannels: 1,
  bitrate: 32000,
  opus: { frameDuration: 20000 }, // microseconds: one 20 ms frame per packet, as the protocol asks
};

/** 'opus' when this browser can encode 16 kHz mono Opus, else 'pcm16'; `preferred` 'pcm16' forces PCM16. */
export async function chooseFormat(preferred) {
  if (preferred === 'pcm16' || typeof AudioEncoder === 'undefined') return 'pcm16';
  try {
    const support = await AudioEncoder.isConfigSupported(OPUS_CONFIG);
    return support.supported ? 'opus' : 'pcm16';
  } catch {
    return 'pcm16';
  }
}

export function createChunker(format, onChunk, onError) {
  return format === 'opus' ? new OpusChunker(onChunk, onError) : new Pcm16Chunker(onChunk);
}

/**
 * Common to both formats: `push(frame)` adds a frame of the open utterance, `end()` closes the utterance and emits
 * its last chunk with isFinal. `onChunk(bytes, isFinal, durationMs)` receives the chunks in order.
 */
class Pcm16Chunker {
  constructor(onChunk) {
    this.onChunk = onChunk;
    this.frames = [];
  }

  push(frame) {
    this.frames.push(frame);
    if (this.frames.length === FRAMES_PER_CHUNK) this.emit(false);
  }

  end() {
    this.emit(true);
    return Promise.resolve();
  }

  close() {}

  emit(isFinal) {
    const samples = this.frames.length * FRAME_SAMPLES;
    const bytes = new Uint8Array(samples * 2);
    const view = new DataView(bytes.buffer);
    let at = 0;
    for (const frame of this.frames) {
      for (let i = 0; i < frame.length; i++, at += 2) {
        const s = Math.max(-1, Math.min(1, frame[i]));
        view.setInt16(at, s < 0 ? s * 0x8000 : s * 0x7fff, true);
      }
    }
    const ms = (this.frames.length * FRAME_SAMPLES * 1000) / SAMPLE_RATE;
    this.frames = [];
    if (bytes.length > 0 || isFinal) this.onChunk(bytes, isFinal, ms);
  }
}

class OpusChunker {
  constructor(onChunk, onError) {
    this.onChunk = onChunk;
    this.onError = onError;
    this.packets = [];
    this.framesSinceChunk = 0;
    this.timestampUs = 0;
    // frames and ends in arrival order: an end waits for the encoder's flush, and frames after it wait for the end
    this.operations = [];
    this.pumping = false;
    this.encoder = new AudioEncoder({
      output: (chunk) => {
        const packet = new Uint8Array(chunk.byteLength);
        chunk.copyTo(packet);
        this.packets.push(packet);
      },
      error: (e) => onError(e),
    });
    this.encoder.configure(OPUS_CONFIG);
  }

  push(frame) {
    this.operations.push(frame);
    this.pump();
  }

  /** Resolves once the utterance's final chunk, holding every packet of it, was emitted. */
  end() {
    return new Promise((resolve) => {
      this.operations.push({ ended: resolve });
      this.pump();
    });
  }

  close() {
    this.operations = [];
    if (this.encoder.state !== 'closed') this.encoder.close();
  }

  async pump() {
    if (this.pumping) return;
    this.pumping = true;
    try {
      while (this.operations.length > 0) {
        const op = this.operations.shift();
        if (op instanceof Float32Array) {
          this.encode(op);
          continue;
        }
        try {
          if (this.encoder.state === 'configured') await this.encoder.flush();
        } catch (e) {
          this.onError(e);
        }
        this.emit(true);
        this.framesSinceChunk = 0;
        op.ended();
      }
    } finally {
      this.pumping = false;
    }
  }

  encode(frame) {
    if (this.encoder.state !== 'configured') return;
    const data = new AudioData({
      format: 'f32-planar',
      sampleRate: SAMPLE_RATE,
      numberOfChannels: 1,
      numberOfFrames: frame.length,
      timestamp: this.timestampUs,
      data: frame,
    });
    this.timestampUs += (frame.length * 1e6) / SAMPLE_RATE;
    this.encoder.encode(data);
    data.close();
    if (++this.framesSinceChunk === FRAMES_PER_CHUNK) {
      this.framesSinceChunk = 0;
      this.emit(false);
    }
  }

  emit(isFinal) {
    // 20 ms per packet: the encoder is configured for one frame per packet
    const ms = this.packets.length * 20;
    const bytes = lengthPrefixed(this.packets);
    this.packets = [];
    if (bytes.length > 0 || isFinal) this.onChunk(bytes, isFinal, ms);
  }
}
