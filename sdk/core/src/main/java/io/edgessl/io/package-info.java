/** File utilities shared by EdgeSSL's file formats. */
package io.edgessl.io;
