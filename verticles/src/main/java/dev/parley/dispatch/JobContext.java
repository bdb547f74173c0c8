package dev.parley.dispatch;

import dev.parley.codecs.bus.NewJob;
import dev.parley.codecs.protocol.JobAssign;
import dev.parley.codecs.protocol.Pipeline;
import dev.parley.store.JobInfo;

/** What one placement of one job needs, gathered once: the job as stored and its session's context text. */
record JobContext(JobInfo job, String contextText) {
  private static final Pipeline FULL_PIPELINE = new Pipeline(true, true, true, false);

  JobAssign assign() {
    return new JobAssign(job.jobId(), job.attempt(), job.sessionId(), Math.toIntExact(job.utteranceIndex()),
        job.turnId(), job.segmentIndex(), job.srcLang(), job.tgtLang(), FULL_PIPELINE, job.audio(),
        job.audioFormat(), job.sampleRate(), job.durationMs(), NewJob.MANUAL.equals(job.cutKind()),
        NewJob.TIMEOUT.equals(job.cutKind()), NewJob.MAX_DURATION.equals(job.cutKind()), job.traceId(),
        contextText);
  }
}
