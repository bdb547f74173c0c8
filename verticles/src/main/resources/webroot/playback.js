// Plays the spoken translations one after another, in the order their results arrived: the next starts when the
// previous one has ended, so speech never overlaps.

import { fromBase64 } from './frames.js';

export class SpeechQueue {
  /** `onStart(item)` and `onEnd(item)` report playback; `item` is what `enqueue` was given besides the audio. */
  constructor(context, { onStart, onEnd }) {
    this.context = context;
    this.onStart = onStart;
    this.onEnd = onEnd;
    this.queue = [];
    this.playing = false;
    this.played = 0;
    this.failed = 0;
  }

  /** Queues a base64 WAV; decoding starts now, playback when its turn comes. */
  enqueue(base64Wav, item) {
    const bytes = fromBase64(base64Wav);
    const decoded = this.context.decodeAudioData(bytes.buffer).catch(() => null);
    this.queue.push({ decoded, item });
    if (!this.playing) this.playNext();
  }

  async playNext() {
    const next = this.queue.shift();
    if (!next) {
      this.playing = false;
      return;
    }
    this.playing = true;
    const buffer = await next.decoded;
    if (!buffer) {
      this.failed++;
      this.playNext();
      return;
    }
    const source = this.context.createBufferSource();
    source.buffer = buffer;
    source.connect(this.context.destination);
    source.onended = () => {
      this.played++;
      this.onEnd(next.item);
      this.playNext();
    };
    this.onStart(next.item);
    source.start();
  }
}
