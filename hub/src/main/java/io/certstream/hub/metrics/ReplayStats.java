package io.certstream.hub.metrics;

/** What the replay buffer ({@code publish.ReplayBuffer}) shows in {@code /stats} and {@code /metrics}. */
public interface ReplayStats {
    long memoryMessages();

    long memoryBytes();

    long diskMessages();

    long diskBytes();

    /** Messages the disk writer could not keep up with (or could not write): resumes across them get a gap notice. */
    long diskDropped();
}
