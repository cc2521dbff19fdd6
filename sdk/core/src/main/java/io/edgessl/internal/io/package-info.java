/**
 * File utilities shared by EdgeSSL's file formats (not exported, except to EdgeSSL's modules):
 * {@link io.edgessl.internal.io.Json} and {@link io.edgessl.internal.io.AtomicFiles}.
 */
package io.edgessl.internal.io;
