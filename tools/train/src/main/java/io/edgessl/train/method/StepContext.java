package io.edgessl.train.method;

import java.util.SplittableRandom;

/**
 * What a method needs to know about the current step: where it is and the scheduled values.
 *
 * @param epoch 0-based epoch
 * @param step 0-based global step
 * @param momentum the teacher / momentum encoder's EMA momentum for this step
 * @param random the step's own generator (MAE masks, drop path): seeded from (seed, step)
 */
public record StepContext(int epoch, long step, double momentum, SplittableRandom random) {}
