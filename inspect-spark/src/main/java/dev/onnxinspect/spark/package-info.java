/** Inspections and audits on Apache Spark (issue 16). */
package dev.onnxinspect.spark;
