/**
 * Model bundles: a directory or {@code .edgessl} zip holding {@code manifest.json} and ONNX models
 * per precision, verified field by field and hash by hash before anything runs ({@link
 * io.edgessl.bundle.ModelBundle}, {@link io.edgessl.bundle.Manifest}), and written atomically by
 * export tools ({@link io.edgessl.bundle.BundleWriter}).
 */
package io.edgessl.bundle;
