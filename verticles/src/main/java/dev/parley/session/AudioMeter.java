package dev.parley.session;

import dev.parley.codecs.audio.AudioFormat;
import dev.parley.codecs.audio.OpusPackets;
import dev.parley.codecs.audio.Pcm16;

/** Measures audio in one negotiated format and finds where it may be cut. */
public interface AudioMeter {
  /** Duration in microseconds; throws a BAD_AUDIO ProtocolException when the audio is not of the format. */
  long durationMicros(byte[] audio);

  /** The largest prefix, in bytes, at a legal cut point (20 ms for PCM16, packet boundary for Opus) not longer than maxMicros. */
  int splitOffset(byte[] audio, long maxMicros);

  static AudioMeter of(AudioFormat format, int sampleRate) {
    return switch (format) {
      case PCM16 -> new AudioMeter() {
        @Override
        public long durationMicros(byte[] audio) {
          Pcm16.validate(audio);
          return Pcm16.durationMicros(audio.length, sampleRate);
        }

        @Override
        public int splitOffset(byte[] audio, long maxMicros) {
          return Pcm16.splitOffset(audio.length, sampleRate, maxMicros);
        }
      };
      case OPUS -> new AudioMeter() {
        @Override
        public long durationMicros(byte[] audio) {
          return OpusPackets.durationMicros(audio);
        }

        @Override
        public int splitOffset(byte[] audio, long maxMicros) {
          return OpusPackets.splitOffset(audio, maxMicros);
        }
      };
    };
  }
}
