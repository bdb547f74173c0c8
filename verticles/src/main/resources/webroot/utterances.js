// Finds utterances in the microphone's frames by energy. Audio is sent only inside an utterance (the scheduler cuts
// on a pause in the stream, so silence between utterances is not sent); an utterance ends, with is_final, after
// enough quiet following speech, or when the speaker presses "End of utterance".

export const FRAME_MS = 20;

export function rms(frame) {
  let sum = 0;
  for (let i = 0; i < frame.length; i++) sum += frame[i] * frame[i];
  return Math.sqrt(sum / frame.length);
}

export class UtteranceDetector {
  /**
   * @param handlers {onBegin(prerollMs), onFrame(frame), onEnd()}: onFrame gets every frame of an utterance, including
   *   a short pre-roll before the speech was detected (so its first sound is not clipped) and the quiet that ended it.
   */
  constructor(handlers, {
    speechRms = 0.02, // a frame at or above this is speech
    quietRms = 0.01, // a frame below this is quiet; in between keeps the current state
    onsetFrames = 3, // speech must last this long to open an utterance (a click does not)
    quietMs = 800, // this much quiet after speech ends the utterance
    prerollMs = 300,
  } = {}) {
    this.handlers = handlers;
    this.speechRms = speechRms;
    this.quietRms = quietRms;
    this.onsetFrames = onsetFrames;
    this.quietFrames = Math.round(quietMs / FRAME_MS);
    this.prerollFrames = Math.round(prerollMs / FRAME_MS);
    this.preroll = [];
    this.loudRun = 0;
    this.quietRun = 0;
    this.open = false;
    this.framesInUtterance = 0;
  }

  /** Takes one frame; returns its RMS level. */
  push(frame) {
    const level = rms(frame);
    if (!this.open) {
      this.preroll.push(frame);
      if (this.preroll.length > this.prerollFrames) this.preroll.shift();
      this.loudRun = level >= this.speechRms ? this.loudRun + 1 : 0;
      if (this.loudRun >= this.onsetFrames) this.begin();
      return level;
    }
    this.frame(frame);
    this.quietRun = level < this.quietRms ? this.quietRun + 1 : 0;
    if (this.quietRun >= this.quietFrames) this.end();
    return level;
  }

  /** Ends the open utterance now (the "End of utterance" button); speech that goes on opens the next one. */
  cut() {
    if (this.open) this.end();
  }

  get isOpen() {
    return this.open;
  }

  /** Milliseconds of audio in the open utterance so far. */
  get openMs() {
    return this.open ? this.framesInUtterance * FRAME_MS : 0;
  }

  begin() {
    this.open = true;
    this.quietRun = 0;
    this.framesInUtterance = 0;
    this.handlers.onBegin(this.preroll.length * FRAME_MS);
    for (const f of this.preroll) this.frame(f);
    this.preroll = [];
  }

  frame(f) {
    this.framesInUtterance++;
    this.handlers.onFrame(f);
  }

  end() {
    this.open = false;
    this.loudRun = 0;
    this.quietRun = 0;
    this.handlers.onEnd();
  }
}
