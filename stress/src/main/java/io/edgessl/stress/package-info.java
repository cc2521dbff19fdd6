/**
 * jcstress tests of {@link io.edgessl.knn.KnnIndex}'s publication paths: what a search racing an
 * add, a remove or the growth of the label table may observe. Each test's result encodes the state
 * the search saw: 0 the state before the change, 1 the state after it, anything else a state that
 * is neither (forbidden). Run with {@code scripts/stress}.
 */
package io.edgessl.stress;
