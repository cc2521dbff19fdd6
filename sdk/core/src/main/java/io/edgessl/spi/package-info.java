/**
 * Service provider interfaces: what backends and kernel providers implement. Applications do not
 * call these directly.
 */
package io.edgessl.spi;
