package dev.storekeeper.jobs;

/** An upload was stored and its job committed: storage grew by {@code job.uploadBytes()}. */
public record JobUploaded(Job job) {}
